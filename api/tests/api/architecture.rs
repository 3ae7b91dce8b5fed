//! Layers inside each crate: no module imports a module that imports it
//! back, directly or around a loop (docs/architecture.md, "Layers inside
//! each crate").
//!
//! The rule, as this test reads the code:
//! - Modules are found by following `mod name;` declarations from each crate
//!   root (`matcher`, `indexer` and `api` libraries, the `kohtaanto` binary);
//!   each file is one module. Inline modules (`mod tests { … }`) belong to
//!   the file they are written in.
//! - A file depends on module `m` when it names a path into `m`: in a `use`
//!   (groups `{a, b::{c, d}}` included, `pub use` re-exports too) or in code
//!   (`crate::…`, `super::…`, `self::…`, or a path starting with one of the
//!   file's own child modules). Test code counts like any other code.
//! - A path resolves to the longest module prefix that exists:
//!   `crate::store::conn::DbConnection` → `store::conn`,
//!   `super::now` written in `store/outbox.rs` → `store`.
//! - Declaring a child (`mod child;`) is not a dependency: the module tree is
//!   not a layer. So a parent may use its children (a facade re-exporting
//!   them), or children may use their parent, but not both.
//! - Edges to itself are ignored; every strongly connected component of the
//!   rest must be a single module, in every crate (the `api` library
//!   and its binary included).
//!
//! The scan is textual: comments, strings and char literals are blanked
//! before tokens are read. It does not expand macros (a macro's `$crate::`
//! path counts for the file that defines the macro).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One file of a crate and the module it is.
struct ModuleFile {
    path: Vec<String>,
    file: PathBuf,
    source: String,
}

/// `from` depends on `to` because of `text` at `file:line`.
#[derive(Clone)]
struct Edge {
    from: String,
    to: String,
    file: PathBuf,
    line: usize,
    text: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the api crate sits in the workspace")
        .to_path_buf()
}

fn module_name(path: &[String]) -> String {
    if path.is_empty() {
        "crate".to_owned()
    } else {
        path.join("::")
    }
}

/// Blanks comments, string and char literals (keeping line breaks) and
/// drops the `r#` of raw identifiers and macros' `$` (`$crate::` counts).
fn strip(source: &str) -> String {
    let c: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    // Keeps the line breaks of skipped text so that line numbers stay true.
    let skip = |out: &mut String, from: usize, to: usize| {
        for &ch in &c[from..to.min(c.len())] {
            if ch == '\n' {
                out.push('\n');
            }
        }
    };
    while i < c.len() {
        let ch = c[i];
        let next = c.get(i + 1).copied();
        let after_ident = out.chars().last().is_some_and(ident);
        if ch == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if ch == '/' && next == Some('*') {
            let start = i;
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
            skip(&mut out, start, i);
            continue;
        }
        if (ch == 'r' || (ch == 'b' && next == Some('r'))) && !after_ident {
            let mut j = i + if ch == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) == Some(&'"') {
                // A raw string: ends at `"` followed by as many `#`.
                let start = i;
                j += 1;
                while j < c.len() {
                    if c[j] == '"' && (1..=hashes).all(|k| c.get(j + k) == Some(&'#')) {
                        j += 1 + hashes;
                        break;
                    }
                    j += 1;
                }
                out.push_str("\"\"");
                skip(&mut out, start, j);
                i = j;
                continue;
            }
            if ch == 'r' && hashes == 1 && c.get(j).copied().is_some_and(ident) {
                // A raw identifier `r#type`.
                i = j;
                continue;
            }
        }
        if ch == '"' {
            let start = i;
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
            skip(&mut out, start, i);
            continue;
        }
        if ch == '\'' {
            if next == Some('\\') {
                // An escaped char literal: `'\n'`, `'\''`, `'\u{00e4}'`.
                let mut j = i + 3;
                while j < c.len() && c[j] != '\'' {
                    j += 1;
                }
                out.push_str("' '");
                i = j + 1;
                continue;
            }
            if c.get(i + 2) == Some(&'\'') {
                out.push_str("' '");
                i += 3;
                continue;
            }
            // A lifetime or label.
        }
        if ch == '$' {
            i += 1;
            continue;
        }
        out.push(ch);
        i += 1;
    }
    out
}

/// Tokens of stripped source, each with its line.
fn tokens(stripped: &str) -> Vec<(Tok, usize)> {
    let c: Vec<char> = stripped.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch.is_alphanumeric() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push((Tok::Ident(c[start..i].iter().collect()), line));
        } else if ch == ':' && c.get(i + 1) == Some(&':') {
            out.push((Tok::Sep, line));
            i += 2;
        } else {
            out.push((Tok::Punct(ch), line));
            i += 1;
        }
    }
    out
}

fn is_ident(toks: &[(Tok, usize)], i: usize, word: &str) -> bool {
    matches!(toks.get(i), Some((Tok::Ident(s), _)) if s == word)
}

fn ident_at(toks: &[(Tok, usize)], i: usize) -> Option<&str> {
    match toks.get(i) {
        Some((Tok::Ident(s), _)) => Some(s),
        _ => None,
    }
}

/// Child modules declared in a file as `mod name;` (not inline ones).
fn declared_children(toks: &[(Tok, usize)]) -> Vec<String> {
    let mut children = Vec::new();
    let mut depth = 0usize;
    for i in 0..toks.len() {
        match toks[i].0 {
            Tok::Punct('{') => depth += 1,
            Tok::Punct('}') => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth == 0
            && is_ident(toks, i, "mod")
            && toks.get(i + 2).map(|t| &t.0) == Some(&Tok::Punct(';'))
        {
            if let Some(name) = ident_at(toks, i + 1) {
                children.push(name.to_owned());
            }
        }
    }
    children
}

/// Every module of the crate whose root is `root`, following `mod name;`.
fn crate_modules(root: &Path) -> Vec<ModuleFile> {
    let mut modules = Vec::new();
    let mut pending = vec![(Vec::<String>::new(), root.to_path_buf())];
    while let Some((path, file)) = pending.pop() {
        let source =
            std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let toks = tokens(&strip(&source));
        let name = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let dir = file.parent().expect("a source file has a directory");
        let children_dir = if path.is_empty() || name == "mod" {
            dir.to_path_buf()
        } else {
            dir.join(name)
        };
        for child in declared_children(&toks) {
            let flat = children_dir.join(format!("{child}.rs"));
            let nested = children_dir.join(&child).join("mod.rs");
            let child_file = if flat.exists() { flat } else { nested };
            assert!(
                child_file.exists(),
                "{}: mod {child}; has no file",
                file.display()
            );
            let mut child_path = path.clone();
            child_path.push(child);
            pending.push((child_path, child_file));
        }
        modules.push(ModuleFile { path, file, source });
    }
    modules.sort_by(|a, b| a.path.cmp(&b.path));
    modules
}

/// Reads one use tree starting at `toks[*i]`, pushing every full path.
fn use_tree(toks: &[(Tok, usize)], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    while let Some((tok, _)) = toks.get(*i) {
        match tok {
            Tok::Ident(s) if s == "as" => {
                *i += 2;
                break;
            }
            Tok::Ident(s) => {
                path.push(s.clone());
                *i += 1;
            }
            Tok::Sep | Tok::Punct('*') => *i += 1,
            Tok::Punct('{') => {
                *i += 1;
                while let Some((tok, _)) = toks.get(*i) {
                    match tok {
                        Tok::Punct('}') => {
                            *i += 1;
                            break;
                        }
                        Tok::Punct(',') => *i += 1,
                        _ => use_tree(toks, i, path.clone(), out),
                    }
                }
                return;
            }
            _ => break,
        }
    }
    if path.len() > 1 && path.last().is_some_and(|s| s == "self") {
        path.pop();
    }
    out.push(path);
}

/// The module a path written in module `current` (inline modules included)
/// of a file with `children` points into, if it is inside the crate.
fn resolve(
    current: &[String],
    file_children: &[String],
    in_inline: bool,
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut full: Vec<String> = match first.as_str() {
        "crate" => path[1..].to_vec(),
        "self" => current.iter().chain(&path[1..]).cloned().collect(),
        "super" => {
            let mut base = current.to_vec();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            base
        }
        name if !in_inline && file_children.iter().any(|c| c == name) => {
            current.iter().chain(path).cloned().collect()
        }
        _ => return None,
    };
    while !modules.contains(&full) {
        full.pop()?;
    }
    Some(full)
}

/// Every dependency between different modules of one crate.
fn edges(modules: &[ModuleFile]) -> Vec<Edge> {
    let known: BTreeSet<Vec<String>> = modules.iter().map(|m| m.path.clone()).collect();
    let mut edges = Vec::new();
    for module in modules {
        let toks = tokens(&strip(&module.source));
        let children = declared_children(&toks);
        // Inline modules open at a brace depth: (name, depth inside).
        let mut inline: Vec<(String, usize)> = Vec::new();
        let mut depth = 0usize;
        let mut i = 0;
        while i < toks.len() {
            let current: Vec<String> = module
                .path
                .iter()
                .cloned()
                .chain(inline.iter().map(|(n, _)| n.clone()))
                .collect();
            let line = toks[i].1;
            let mut found = Vec::new();
            match &toks[i].0 {
                Tok::Punct('{') => {
                    depth += 1;
                    i += 1;
                }
                Tok::Punct('}') => {
                    if inline.last().is_some_and(|(_, d)| *d == depth) {
                        inline.pop();
                    }
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                Tok::Ident(s)
                    if s == "mod" && toks.get(i + 2).map(|t| &t.0) == Some(&Tok::Punct('{')) =>
                {
                    let name = ident_at(&toks, i + 1).unwrap_or_default().to_owned();
                    depth += 1;
                    inline.push((name, depth));
                    i += 3;
                }
                Tok::Ident(s) if s == "use" => {
                    i += 1;
                    use_tree(&toks, &mut i, Vec::new(), &mut found);
                }
                Tok::Ident(s)
                    if toks.get(i + 1).map(|t| &t.0) == Some(&Tok::Sep)
                        && (i == 0 || toks[i - 1].0 != Tok::Sep) =>
                {
                    let mut path = vec![s.clone()];
                    i += 1;
                    while toks.get(i).map(|t| &t.0) == Some(&Tok::Sep) {
                        match ident_at(&toks, i + 1) {
                            Some(next) => {
                                path.push(next.to_owned());
                                i += 2;
                            }
                            None => break,
                        }
                    }
                    found.push(path);
                }
                _ => i += 1,
            }
            for path in found {
                let target = resolve(&current, &children, !inline.is_empty(), &path, &known);
                if let Some(target) = target.filter(|t| *t != module.path) {
                    edges.push(Edge {
                        from: module_name(&module.path),
                        to: module_name(&target),
                        file: module.file.clone(),
                        line,
                        text: path.join("::"),
                    });
                }
            }
        }
    }
    edges
}

/// Strongly connected components with more than one module (Tarjan).
fn loops(edges: &[Edge]) -> Vec<Vec<String>> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for e in edges {
        graph.entry(&e.from).or_default().insert(&e.to);
        graph.entry(&e.to).or_default();
    }
    struct Tarjan<'a> {
        graph: &'a BTreeMap<&'a str, BTreeSet<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        found: Vec<Vec<String>>,
    }
    impl<'a> Tarjan<'a> {
        fn visit(&mut self, v: &'a str) {
            let n = self.index.len();
            self.index.insert(v, n);
            self.low.insert(v, n);
            self.stack.push(v);
            self.on_stack.insert(v);
            for &w in &self.graph[v] {
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v, low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v, low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack.remove(w);
                    component.push(w.to_owned());
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for &v in graph.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    t.found
}

/// Describes each loop with the lines that make it.
fn describe(krate: &str, loops: &[Vec<String>], edges: &[Edge]) -> String {
    let mut out = String::new();
    for component in loops {
        out.push_str(&format!(
            "{krate}: modules in a loop: {}\n",
            component.join(", ")
        ));
        let mut seen = BTreeSet::new();
        for e in edges {
            if component.contains(&e.from)
                && component.contains(&e.to)
                && seen.insert((&e.from, &e.to))
            {
                out.push_str(&format!(
                    "    {} → {}  ({}:{}: {})\n",
                    e.from,
                    e.to,
                    e.file.display(),
                    e.line,
                    e.text
                ));
            }
        }
    }
    out
}

fn rs_files(dir: &Path, out: &mut BTreeSet<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            rs_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.insert(path);
        }
    }
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let root = workspace();
    // (package, crate roots, modules allowed in a loop of the first root)
    let crates: [(&str, &[&str], &[&str]); 3] = [
        ("matcher", &["matcher/src/lib.rs"], &[]),
        ("indexer", &["indexer/src/lib.rs"], &[]),
        ("api", &["api/src/lib.rs", "api/src/main.rs"], &[]),
    ];
    let mut report = String::new();
    for (krate, roots, known) in crates {
        let mut reached = BTreeSet::new();
        for (n, crate_root) in roots.iter().enumerate() {
            let known: &[&str] = if n == 0 { known } else { &[] };
            let modules = crate_modules(&root.join(crate_root));
            assert!(!modules.is_empty(), "{krate}: no modules found");
            reached.extend(modules.iter().map(|m| m.file.clone()));
            let edges = edges(&modules);
            let found = loops(&edges);
            let (tolerated, new): (Vec<_>, Vec<_>) = found
                .into_iter()
                .partition(|c| c.iter().all(|m| known.contains(&m.as_str())));
            report.push_str(&describe(crate_root, &new, &edges));
            let still: BTreeSet<&str> = tolerated.iter().flatten().map(String::as_str).collect();
            let left: Vec<_> = known.iter().filter(|m| !still.contains(*m)).collect();
            if !left.is_empty() {
                report.push_str(&format!(
                    "{crate_root}: no longer in a loop, remove from the known list: {left:?}\n"
                ));
            }
        }
        // Every file is some module, so none escapes the scan.
        let mut files = BTreeSet::new();
        rs_files(&root.join(krate).join("src"), &mut files);
        let missed: Vec<_> = files.difference(&reached).collect();
        assert!(
            missed.is_empty(),
            "{krate}: files no crate root reaches: {missed:?}"
        );
    }
    assert!(report.is_empty(), "import loops inside crates:\n{report}");
}

/// The scan itself sees the kinds of paths the rule is about.
#[test]
fn the_scan_sees_loops_through_use_groups_super_and_qualified_paths() {
    let module = |path: &str, source: &str| ModuleFile {
        path: path
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        file: PathBuf::from(format!("{path}.rs")),
        source: source.to_owned(),
    };
    let ok = [
        module("", "pub mod a; pub mod b; pub mod store;"),
        module(
            "a",
            "// use crate::b;\nconst S: &str = \"crate::b::X\"; use crate::a::Y;",
        ),
        module(
            "b",
            "use crate::{a::{self, Y}, store::rows as r};\nfn f() -> char { '\"' }",
        ),
        module("store", "mod rows; pub use rows::Row;"),
        module(
            "store::rows",
            "pub struct Row; #[cfg(test)] mod tests { use super::*; }",
        ),
    ];
    let ok_edges = edges(&ok);
    assert!(
        loops(&ok_edges).is_empty(),
        "{}",
        describe("ok", &loops(&ok_edges), &ok_edges)
    );
    let found: BTreeSet<(String, String)> = ok_edges
        .iter()
        .map(|e| (e.from.clone(), e.to.clone()))
        .collect();
    let expected: BTreeSet<(String, String)> =
        [("b", "a"), ("b", "store::rows"), ("store", "store::rows")]
            .iter()
            .map(|(f, t)| (f.to_string(), t.to_string()))
            .collect();
    assert_eq!(found, expected);

    for cyclic in [
        // Around a loop through a group and a qualified path in code.
        vec![
            module("", "pub mod a; pub mod b; pub mod c;"),
            module("a", "use crate::{b::{X, Z}};"),
            module("b", "fn f() { crate::c::g() }"),
            module("c", "use super::a;"),
        ],
        // A child using what its parent's own file defines.
        vec![
            module("", "pub mod store;"),
            module(
                "store",
                "mod outbox; pub use outbox::append; pub fn now() {}",
            ),
            module("store::outbox", "pub fn append() { super::now() }"),
        ],
    ] {
        let cyclic_edges = edges(&cyclic);
        assert_eq!(
            loops(&cyclic_edges).len(),
            1,
            "{}",
            describe("cyclic", &loops(&cyclic_edges), &cyclic_edges)
        );
    }
}
