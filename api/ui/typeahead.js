// An accessible typeahead (the WAI-ARIA combobox pattern with a listbox
// popup): arrow keys move through the options, Enter picks one, Escape
// closes the list; the number of suggestions is announced politely.

import { h, fill } from './dom.js';
import { t } from './i18n.js';

let counter = 0;

/**
 * Turn `input` into a combobox. `search(text)` resolves to options
 * `{value, label, hint?}`; `onSelect(option)` is called with the chosen one.
 */
export function typeahead(input, { search, onSelect, minChars = 2, keepText = true }) {
  counter += 1;
  const listId = `${input.id || `typeahead-${counter}`}-list`;
  const list = h('ul', { id: listId, role: 'listbox', class: 'typeahead-list', hidden: true });
  const announce = h('span', { class: 'sr-only', 'aria-live': 'polite' });
  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', listId);
  input.setAttribute('autocomplete', 'off');
  const wrapper = h('div', { class: 'typeahead' });
  input.replaceWith(wrapper);
  wrapper.append(input, list, announce);

  let options = [];
  let active = -1;
  let timer = null;
  let sequence = 0;

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    if (index >= 0 && list.children[index]) {
      input.setAttribute('aria-activedescendant', list.children[index].id);
      list.children[index].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function choose(index) {
    const option = options[index];
    if (!option) return;
    input.value = keepText ? option.label : '';
    close();
    onSelect(option);
  }

  function render() {
    fill(list, options.map((o, i) => h('li', {
      id: `${listId}-${i}`,
      role: 'option',
      'aria-selected': 'false',
      dataset: { value: o.value },
      onmousedown: (e) => { e.preventDefault(); choose(i); },
    }, o.label, o.hint ? h('span', { class: 'hint' }, ` ${o.hint}`) : null)));
    announce.textContent = options.length
      ? t('typeahead.count', { n: options.length })
      : t('typeahead.none');
    if (options.length) {
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      highlight(-1);
    } else {
      close();
    }
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const text = input.value.trim();
    if (text.length < minChars) {
      options = [];
      close();
      return;
    }
    timer = setTimeout(async () => {
      const mine = ++sequence;
      try {
        const found = await search(text);
        if (mine !== sequence) return;
        options = found;
        render();
      } catch {
        options = [];
        close();
      }
    }, 180);
  });

  input.addEventListener('keydown', (e) => {
    const open = !list.hidden;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      if (!open && options.length) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
      if (options.length) highlight((active + 1) % options.length);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      if (options.length) highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (e.key === 'Enter') {
      if (open && options.length) {
        e.preventDefault();
        choose(active >= 0 ? active : 0);
      }
    } else if (e.key === 'Escape') {
      if (open) {
        e.preventDefault();
        e.stopPropagation();
        close();
      }
    } else if (e.key === 'Tab') {
      close();
    }
  });

  input.addEventListener('blur', () => setTimeout(close, 150));
  return { close, wrapper };
}
