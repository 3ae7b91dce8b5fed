//! `kohtaanto --help` lists the commands by who uses them: operators run
//! the service and its data, advisers match people and jobs, analysts read
//! the labour market. clap has one heading for all subcommands, so the
//! list is rendered here from the commands' own descriptions and put in
//! the help template.

use clap::Command;

/// The groups of `--help`, in order, with their commands in order. A
/// command missing here is listed under "Other commands".
pub const GROUPS: &[(&str, &[&str])] = &[
    (
        "Operators (set-up, data, service, checks)",
        &[
            "demo", "serve", "migrate", "backup", "import", "generate", "org", "token", "index",
            "audit", "profiles", "stats", "bench",
        ],
    ),
    (
        "Advisers (matching jobseekers and vacancies)",
        &["match", "cohort", "outreach", "taxonomy"],
    ),
    (
        "Analysts (the labour market, the ranking's outcomes)",
        &["picture", "evaluate"],
    ),
];

const EXIT_CODES: &str = "\
Exit codes: 0 ok; 1 error (one line on stderr); 2 a check found a problem
(index check: drift; audit verify: broken chain) or the command line was
not understood (usage on stderr).";

/// Where a command's description wraps.
const SUMMARY_COLUMNS: usize = 72;

/// `text` in lines of at most `columns` characters (a longer word stays
/// whole), the later lines indented by `indent`.
fn wrap(text: &str, columns: usize, indent: usize) -> String {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().map_or(0, |l| l.chars().count());
        if last > 0 && last + 1 + word.chars().count() > columns {
            lines.push(String::new());
        }
        if let Some(line) = lines.last_mut() {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join(&format!("\n{}", " ".repeat(indent)))
}

/// `command` with its subcommands listed by group.
pub fn grouped(mut command: Command) -> Command {
    // Building adds the `help` subcommand, so that it is listed too.
    command.build();
    let header = *command.get_styles().get_header();
    let literal = *command.get_styles().get_literal();
    let visible: Vec<(String, String)> = command
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .map(|c| {
            let about = c.get_about().map(|a| a.to_string()).unwrap_or_default();
            (c.get_name().to_owned(), about)
        })
        .collect();
    let width = visible
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    let line = |name: &str, about: &str| {
        format!(
            "  {}{name:<width$}{}  {}\n",
            literal.render(),
            literal.render_reset(),
            wrap(about, SUMMARY_COLUMNS, width + 4)
        )
    };
    let mut text = String::new();
    let mut listed = Vec::new();
    let mut groups: Vec<(&str, Vec<&str>)> = GROUPS
        .iter()
        .map(|(title, names)| (*title, names.to_vec()))
        .collect();
    let other: Vec<&str> = visible
        .iter()
        .map(|(name, _)| name.as_str())
        .filter(|name| *name != "help" && !GROUPS.iter().any(|(_, names)| names.contains(name)))
        .collect();
    if !other.is_empty() {
        groups.push(("Other commands", other));
    }
    for (title, names) in groups {
        text.push_str(&format!(
            "{}{title}:{}\n",
            header.render(),
            header.render_reset()
        ));
        for name in names {
            if let Some((name, about)) = visible.iter().find(|(n, _)| n == name) {
                text.push_str(&line(name, about));
                listed.push(name.clone());
            }
        }
        text.push('\n');
    }
    if let Some((name, about)) = visible.iter().find(|(n, _)| n == "help") {
        text.push_str(&line(name, about));
        text.push('\n');
    }
    command
        .help_template(format!(
            "{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{text}{}Options:{}\n{{options}}{{after-help}}",
            header.render(),
            header.render_reset()
        ))
        .after_help(EXIT_CODES)
}
