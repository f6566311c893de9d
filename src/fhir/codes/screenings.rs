//! The codes of screenings (issue 18): a signed screening is a
//! QuestionnaireResponse, its total an Observation of the `survey`
//! category. Which questionnaire it answers is the instrument's LOINC panel
//! where it has one (`http://loinc.org/q/44249-1`, as LOINC names its
//! panels as questionnaires), else tend's own name for the instrument.

use super::{percent_decoded, percent_encoded};

/// QuestionnaireResponse.status of a signed screening (R4's
/// questionnaire-answers-status): unfinished ones are never exported.
pub const SCREENING_STATUS: &str = "completed";
/// Observation.status of a signed screening's total (observation-status).
pub const SCORE_STATUS: &str = "final";
/// Observation.category of a screening's total (observation-category).
pub const SURVEY: (&str, &str) = ("survey", "Survey");

/// Where LOINC's panels are named as questionnaires.
const LOINC_QUESTIONNAIRE: &str = "http://loinc.org/q/";
/// tend's name for an instrument without a LOINC panel: this prefix and
/// its id, percent-encoded.
const TEND_INSTRUMENT: &str = "urn:tend:instrument:";

/// QuestionnaireResponse.questionnaire: the instrument's LOINC panel, else
/// tend's own name for it.
pub fn questionnaire_uri(instrument: &str, loinc_panel: Option<&str>) -> String {
    match loinc_panel {
        Some(panel) => format!("{LOINC_QUESTIONNAIRE}{}", percent_encoded(panel)),
        None => format!("{TEND_INSTRUMENT}{}", percent_encoded(instrument)),
    }
}

/// What a questionnaire canonical names: the instrument's id in tend's
/// form, or a LOINC panel; None for any other (or a bad encoding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Questionnaire {
    Tend(String),
    LoincPanel(String),
}

pub fn questionnaire_of(uri: &str) -> Option<Questionnaire> {
    // A canonical may carry a version after `|`: the questionnaire is the
    // same.
    let uri = uri.split('|').next().unwrap_or(uri);
    if let Some(id) = uri.strip_prefix(TEND_INSTRUMENT) {
        return percent_decoded(id)
            .filter(|id| !id.is_empty())
            .map(Questionnaire::Tend);
    }
    let panel = uri.strip_prefix(LOINC_QUESTIONNAIRE)?;
    percent_decoded(panel)
        .filter(|p| !p.is_empty())
        .map(Questionnaire::LoincPanel)
}

/// The words of a total's Observation.code: "PHQ-9 total score".
pub fn score_text(instrument_name: &str) -> String {
    format!("{instrument_name} total score")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questionnaires_read_back() {
        assert_eq!(
            questionnaire_uri("phq-9", Some("44249-1")),
            "http://loinc.org/q/44249-1"
        );
        assert_eq!(
            questionnaire_of("http://loinc.org/q/44249-1"),
            Some(Questionnaire::LoincPanel("44249-1".into()))
        );
        let own = questionnaire_uri("our intake v2", None);
        assert_eq!(own, "urn:tend:instrument:our%20intake%20v2");
        assert_eq!(
            questionnaire_of(&own),
            Some(Questionnaire::Tend("our intake v2".into()))
        );
        assert_eq!(questionnaire_of("urn:tend:instrument:"), None);
        assert_eq!(questionnaire_of("http://example.org/q/1"), None);
    }
}
