//! The sentences of an explanation, in Finnish, Swedish and English.
//!
//! Scoring decides what to say as a [`Reason`] (numbers and names, no
//! words); each language renders every reason in one function, so that a
//! translator reads one table and a sentence cannot exist in one language
//! only. Finnish sentences never inflect a place name (that needs the
//! name's own locative, "Nokialla", "Helsingissä"): they name it after a
//! noun ("kotikunta Nokia", "maakuntaan Uusimaa") instead.

use crate::taxonomy::Lang;

/// Where the jobseeker lives: how a mobility sentence starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Home<'a> {
    Municipality(&'a str),
    /// ISO 3166-1 alpha-2 country code.
    Abroad(&'a str),
    Unknown,
}

/// How the vacancy lies from the jobseeker's home.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reach<'a> {
    Remote,
    WithinCommute {
        km: f64,
        commute_km: i32,
    },
    RelocateAnywhere,
    /// Willing to relocate to this region.
    RelocateTo(&'a str),
    BeyondCommute {
        km: f64,
        commute_km: i32,
    },
    /// No distance known: the sentence is the home alone.
    Unknown,
}

/// The closest level at which the vacancy's occupation meets one of the
/// candidate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proximity {
    SameOccupation,
    IscoUnitGroup,
    IscoMinorGroup,
    IscoSubMajorGroup,
    IscoMajorGroup,
    Unrelated,
}

/// What one sentence of an explanation says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reason<'a> {
    Mobility(Home<'a>, Reach<'a>),
    NoCodedSkills,
    Skills {
        matched: usize,
        required: usize,
        partial: usize,
        missing_essential: usize,
    },
    Occupation(Proximity),
    Experience {
        years: f64,
    },
    TitleTerms {
        found: usize,
        terms: usize,
    },
    NoLanguageRequirements,
    /// `share` of the language requirements met, in [0, 1].
    Languages {
        share: f64,
    },
    Licences {
        met: usize,
        wanted: usize,
    },
    LateStart {
        days: i64,
    },
    WorkTimeFits,
    /// How well the vacancy fits the desired occupations, in [0, 1].
    DesiredOccupation {
        fit: f64,
    },
}

impl Reason<'_> {
    /// The sentence in `lang`.
    pub(super) fn say(&self, lang: Lang) -> String {
        match lang {
            Lang::Fi => finnish(self),
            Lang::Sv => swedish(self),
            Lang::En => english(self),
        }
    }
}

fn percent(share: f64) -> f64 {
    share * 100.0
}

/// One decimal. Adding 0.0 turns -0.0 (what an empty sum of years is)
/// into 0.0.
fn one_decimal(x: f64) -> String {
    format!("{:.1}", x + 0.0)
}

/// One decimal with a decimal comma, as Finnish and Swedish write numbers.
fn decimal_comma(x: f64) -> String {
    one_decimal(x).replace('.', ",")
}

fn english(reason: &Reason) -> String {
    match *reason {
        Reason::Mobility(home, reach) => {
            let lives = match home {
                Home::Municipality(name) => format!("lives in {name}"),
                Home::Abroad(country) => format!("lives abroad ({country})"),
                Home::Unknown => "home municipality unknown".to_owned(),
            };
            match reach {
                Reach::Remote => format!("{lives}; fully remote work"),
                Reach::WithinCommute { km, commute_km } => {
                    format!("{lives}, {km:.0} km away, within the {commute_km} km commute")
                }
                Reach::RelocateAnywhere => {
                    format!("{lives}, willing to relocate anywhere in Finland")
                }
                Reach::RelocateTo(region) => format!("{lives}, willing to relocate to {region}"),
                Reach::BeyondCommute { km, commute_km } => {
                    format!("{lives}, {km:.0} km away, beyond the {commute_km} km commute")
                }
                Reach::Unknown => lives,
            }
        }
        Reason::NoCodedSkills => "the vacancy names no coded skills".to_owned(),
        Reason::Skills {
            matched,
            required,
            partial,
            missing_essential,
        } => format!(
            "{matched} of {required} required skills, {partial} partly; \
             {missing_essential} essential missing"
        ),
        Reason::Occupation(level) => match level {
            Proximity::SameOccupation => "same occupation",
            Proximity::IscoUnitGroup => "same ISCO unit group",
            Proximity::IscoMinorGroup => "same ISCO minor group",
            Proximity::IscoSubMajorGroup => "same ISCO sub-major group",
            Proximity::IscoMajorGroup => "same ISCO major group",
            Proximity::Unrelated => "unrelated occupation",
        }
        .to_owned(),
        Reason::Experience { years } => {
            format!("{} years of related experience", one_decimal(years))
        }
        Reason::TitleTerms { found, terms } => {
            format!("{found} of {terms} title terms in the candidate's titles")
        }
        Reason::NoLanguageRequirements => "no language requirements".to_owned(),
        Reason::Languages { share } => {
            format!("{:.0}% of language requirements met", percent(share))
        }
        Reason::Licences { met, wanted } => format!("{met} of {wanted} licences and certificates"),
        Reason::LateStart { days } => format!("available {days} days after the start"),
        Reason::WorkTimeFits => "work time and start date fit".to_owned(),
        Reason::DesiredOccupation { fit } => {
            format!("desired occupation fit {:.0}%", percent(fit))
        }
    }
}

/// Counts read as "label n/m" so that no noun agrees with a number.
fn finnish(reason: &Reason) -> String {
    match *reason {
        Reason::Mobility(home, reach) => {
            let home = match home {
                Home::Municipality(name) => format!("kotikunta {name}"),
                Home::Abroad(country) => format!("asuu ulkomailla ({country})"),
                Home::Unknown => "kotikunta ei tiedossa".to_owned(),
            };
            match reach {
                Reach::Remote => format!("{home}; työ tehdään kokonaan etänä"),
                Reach::WithinCommute { km, commute_km } => {
                    format!("{home}, etäisyys {km:.0} km, työmatkasäteen ({commute_km} km) sisällä")
                }
                Reach::RelocateAnywhere => {
                    format!("{home}, valmis muuttamaan minne tahansa Suomessa")
                }
                Reach::RelocateTo(region) => {
                    format!("{home}, valmis muuttamaan maakuntaan {region}")
                }
                Reach::BeyondCommute { km, commute_km } => format!(
                    "{home}, etäisyys {km:.0} km, työmatkasäteen ({commute_km} km) ulkopuolella"
                ),
                Reach::Unknown => home,
            }
        }
        Reason::NoCodedSkills => "ilmoituksessa ei ole luokiteltuja taitovaatimuksia".to_owned(),
        Reason::Skills {
            matched,
            required,
            partial,
            missing_essential,
        } => format!(
            "vaaditut taidot {matched}/{required}, osittain {partial}; \
             välttämättömiä puuttuu {missing_essential}"
        ),
        Reason::Occupation(level) => match level {
            Proximity::SameOccupation => "sama ammatti",
            Proximity::IscoUnitGroup => "sama ISCO-ammattiryhmä 4-numerotasolla",
            Proximity::IscoMinorGroup => "sama ISCO-ammattiryhmä 3-numerotasolla",
            Proximity::IscoSubMajorGroup => "sama ISCO-ammattiryhmä 2-numerotasolla",
            Proximity::IscoMajorGroup => "sama ISCO-ammattiryhmä 1-numerotasolla",
            Proximity::Unrelated => "ammatit eivät liity toisiinsa",
        }
        .to_owned(),
        Reason::Experience { years } => {
            format!(
                "{} vuotta alaan liittyvää työkokemusta",
                decimal_comma(years)
            )
        }
        Reason::TitleTerms { found, terms } => {
            format!("otsikon sanoista {found}/{terms} löytyy hakijan tehtävänimikkeistä")
        }
        Reason::NoLanguageRequirements => "ei kielitaitovaatimuksia".to_owned(),
        Reason::Languages { share } => {
            format!("kielitaitovaatimuksista täyttyy {:.0} %", percent(share))
        }
        Reason::Licences { met, wanted } => format!("kortit ja luvat {met}/{wanted}"),
        Reason::LateStart { days } => {
            let unit = if days == 1 { "päivä" } else { "päivää" };
            format!("käytettävissä vasta {days} {unit} aloituspäivän jälkeen")
        }
        Reason::WorkTimeFits => "työaika ja aloituspäivä sopivat".to_owned(),
        Reason::DesiredOccupation { fit } => {
            format!("toiveammatin vastaavuus {:.0} %", percent(fit))
        }
    }
}

fn swedish(reason: &Reason) -> String {
    match *reason {
        Reason::Mobility(home, reach) => {
            let lives = match home {
                Home::Municipality(name) => format!("bor i {name}"),
                Home::Abroad(country) => format!("bor utomlands ({country})"),
                Home::Unknown => "hemkommun okänd".to_owned(),
            };
            match reach {
                Reach::Remote => format!("{lives}; helt på distans"),
                Reach::WithinCommute { km, commute_km } => {
                    format!("{lives}, {km:.0} km bort, inom pendlingsavståndet {commute_km} km")
                }
                Reach::RelocateAnywhere => {
                    format!("{lives}, kan flytta vart som helst i Finland")
                }
                Reach::RelocateTo(region) => format!("{lives}, kan flytta till {region}"),
                Reach::BeyondCommute { km, commute_km } => {
                    format!("{lives}, {km:.0} km bort, utanför pendlingsavståndet {commute_km} km")
                }
                Reach::Unknown => lives,
            }
        }
        Reason::NoCodedSkills => "annonsen har inga klassificerade färdigheter".to_owned(),
        Reason::Skills {
            matched,
            required,
            partial,
            missing_essential,
        } => format!(
            "{matched} av {required} krävda färdigheter, {partial} delvis; \
             saknade nödvändiga: {missing_essential}"
        ),
        Reason::Occupation(level) => match level {
            Proximity::SameOccupation => "samma yrke",
            Proximity::IscoUnitGroup => "samma ISCO-yrkesgrupp på fyrsiffrig nivå",
            Proximity::IscoMinorGroup => "samma ISCO-yrkesgrupp på tresiffrig nivå",
            Proximity::IscoSubMajorGroup => "samma ISCO-yrkesgrupp på tvåsiffrig nivå",
            Proximity::IscoMajorGroup => "samma ISCO-yrkesgrupp på ensiffrig nivå",
            Proximity::Unrelated => "yrkena är inte besläktade",
        }
        .to_owned(),
        Reason::Experience { years } => {
            format!("{} års relevant arbetserfarenhet", decimal_comma(years))
        }
        Reason::TitleTerms { found, terms } => {
            format!("{found} av {terms} ord i annonsrubriken finns i sökandens befattningar")
        }
        Reason::NoLanguageRequirements => "inga språkkrav".to_owned(),
        Reason::Languages { share } => {
            format!("{:.0} % av språkkraven uppfylls", percent(share))
        }
        Reason::Licences { met, wanted } => {
            format!("{met} av {wanted} körkort och certifikat")
        }
        Reason::LateStart { days } => {
            let unit = if days == 1 { "dag" } else { "dagar" };
            format!("tillgänglig först {days} {unit} efter startdatumet")
        }
        Reason::WorkTimeFits => "arbetstid och startdatum passar".to_owned(),
        Reason::DesiredOccupation { fit } => {
            format!("överensstämmelse med önskat yrke {:.0} %", percent(fit))
        }
    }
}
