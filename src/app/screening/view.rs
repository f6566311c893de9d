//! A screening being administered: the instrument, the answers so far and
//! the item on screen. Pure state, moved by keys; `flow` saves it and acts
//! on what it comes to.

use crate::domain::instrument::{Answer, Instrument, ItemKind, RuleAction, RuleSex, Score};
use crate::domain::screening::{answer_of, answer_words, item_number, option_for_key, text_answer};
use crate::store::{SavedAnswer, Screening};

/// What the screening layer holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ScreeningView {
    /// The screening's row in the store.
    pub id: i64,
    pub patient_id: i64,
    pub patient_name: String,
    /// The patient's recorded sex, as the instrument's rules read it.
    pub sex: RuleSex,
    pub instrument: Instrument,
    /// Each item's answer, in the instrument's order.
    pub answers: Vec<Option<Answer>>,
    /// The item on screen; `items.len()` is the end, where it is signed.
    pub position: usize,
    /// The options chosen so far on a "choose all that apply" item, until
    /// Enter takes them.
    pub pending: Vec<usize>,
    /// Whether a safety rule has raised its flag and task already.
    pub safety_raised: bool,
    /// The last save failed: the answers are on screen only, until the
    /// next save succeeds.
    pub unsaved: bool,
}

/// An answer to a coded question, in words: what a fuller instrument
/// asking the same question takes from a shorter one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedAnswer {
    pub item_code: String,
    pub labels: Vec<String>,
}

/// What a key did to the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved {
    /// Answers changed: save them.
    Answered,
    /// Only the item on screen changed: save where it is.
    Stepped,
    /// Nothing changed, and why.
    Refused(String),
}

impl ScreeningView {
    /// A new screening, or one left unfinished, as saved.
    pub fn new(
        screening: &Screening,
        instrument: Instrument,
        patient_name: String,
        sex: RuleSex,
    ) -> ScreeningView {
        let mut answers = vec![None; instrument.items.len()];
        for saved in &screening.answers {
            if let Some(index) = instrument.items.iter().position(|i| i.id == saved.item) {
                let item = &instrument.items[index];
                answers[index] = match (&item.kind, &saved.text) {
                    (ItemKind::Text, Some(words)) => text_answer(item, words),
                    _ => answer_of(item, &saved.chosen),
                };
            }
        }
        let position = screening.position.min(instrument.items.len());
        ScreeningView {
            id: screening.id,
            patient_id: screening.patient_id,
            patient_name,
            sex,
            answers,
            position,
            pending: Vec::new(),
            safety_raised: screening.safety_raised,
            unsaved: false,
            instrument,
        }
    }

    pub fn score(&self) -> Score<'_> {
        self.instrument.score(&self.answers, self.sex)
    }

    /// Whether the end, where it is signed, is on screen.
    pub fn at_end(&self) -> bool {
        self.position >= self.instrument.items.len()
    }

    /// The first item that must be answered and is not.
    pub fn first_missing(&self) -> Option<usize> {
        self.instrument
            .items
            .iter()
            .zip(&self.answers)
            .position(|(item, answer)| {
                !item.optional && !answer.as_ref().is_some_and(|a| item.accepts(a))
            })
    }

    /// Whether the item on screen takes words rather than an option.
    pub fn on_text(&self) -> bool {
        self.instrument
            .items
            .get(self.position)
            .is_some_and(|i| i.kind == ItemKind::Text)
    }

    /// The words of the text item on screen, as typed so far.
    pub fn words(&self) -> &str {
        match self.answers.get(self.position) {
            Some(Some(Answer::Text(words))) => words,
            _ => "",
        }
    }

    /// A character typed into the text item on screen (each one is saved,
    /// as a note's text is).
    pub fn type_char(&mut self, c: char) -> Moved {
        let mut words = self.words().to_string();
        words.push(c);
        self.set_words(&words)
    }

    /// The last character of the text item's words taken away.
    pub fn backspace(&mut self) -> Moved {
        let mut words = self.words().to_string();
        if words.pop().is_none() {
            return Moved::Refused(String::new());
        }
        self.set_words(&words)
    }

    fn set_words(&mut self, words: &str) -> Moved {
        let item = &self.instrument.items[self.position];
        self.answers[self.position] = text_answer(item, words).or_else(|| {
            // Blank so far: kept as typed, so spaces are not lost, but it
            // is no answer until it has a word.
            (!words.is_empty()).then(|| Answer::Text(words.to_string()))
        });
        Moved::Answered
    }

    /// A digit typed on the item on screen: the option it chooses is the
    /// answer (and the next item comes up), or, on an item that takes
    /// several, is added to or taken from those chosen.
    pub fn key(&mut self, c: char) -> Moved {
        let Some(item) = self.instrument.items.get(self.position) else {
            return Moved::Refused("every item is on record: Enter signs".into());
        };
        let Some(option) = option_for_key(item, c) else {
            return Moved::Refused(format!("{c} is not an answer to this item"));
        };
        if item.multiple {
            match self.pending.iter().position(|&o| o == option) {
                Some(at) => {
                    self.pending.remove(at);
                }
                None => {
                    self.pending.push(option);
                    self.pending.sort_unstable();
                }
            }
            return Moved::Stepped;
        }
        self.answers[self.position] = Some(Answer::One(option));
        self.position += 1;
        self.load_pending();
        Moved::Answered
    }

    /// Enter: takes the options chosen on a "choose all that apply" item;
    /// on an answered item, goes on.
    pub fn enter(&mut self) -> Moved {
        let Some(item) = self.instrument.items.get(self.position) else {
            return Moved::Refused(String::new());
        };
        if item.multiple && !self.pending.is_empty() {
            self.answers[self.position] = Some(Answer::Many(self.pending.clone()));
            self.position += 1;
            self.load_pending();
            return Moved::Answered;
        }
        self.forward()
    }

    /// The next item, if this one is answered or may be left.
    pub fn forward(&mut self) -> Moved {
        let Some(item) = self.instrument.items.get(self.position) else {
            return Moved::Refused("this is the last page: Enter signs".into());
        };
        let answered = self.answers[self.position]
            .as_ref()
            .is_some_and(|a| item.accepts(a));
        if !answered && !item.optional {
            return Moved::Refused(format!(
                "item {} needs an answer (Esc keeps the screening for later)",
                item_number(item, self.position)
            ));
        }
        if !answered {
            // Words that are only spaces are no answer.
            self.answers[self.position] = None;
        }
        self.position += 1;
        self.load_pending();
        Moved::Stepped
    }

    /// The item before.
    pub fn back(&mut self) -> Moved {
        if self.position == 0 {
            return Moved::Refused("this is the first item".into());
        }
        self.position -= 1;
        self.load_pending();
        Moved::Stepped
    }

    /// Leaves an item the instrument allows to be left unanswered (any
    /// answer it had is taken away).
    pub fn skip(&mut self) -> Moved {
        let Some(item) = self.instrument.items.get(self.position) else {
            return Moved::Refused(String::new());
        };
        if !item.optional {
            return Moved::Refused(format!(
                "{} does not allow item {} to be skipped",
                self.instrument.name,
                item_number(item, self.position)
            ));
        }
        self.answers[self.position] = None;
        self.position += 1;
        self.load_pending();
        Moved::Answered
    }

    /// Takes the answer of the item on screen away.
    pub fn clear(&mut self) -> Moved {
        if self.at_end() {
            return Moved::Refused(String::new());
        }
        self.answers[self.position] = None;
        self.pending.clear();
        Moved::Answered
    }

    /// The options of a "choose all that apply" item on screen start as
    /// its answer.
    fn load_pending(&mut self) {
        self.pending = match self.answers.get(self.position) {
            Some(Some(Answer::Many(chosen))) => chosen.clone(),
            _ => Vec::new(),
        };
    }

    /// The answers given to the same questions (the same LOINC item code,
    /// answered with options of the same words) in the screening just
    /// signed, so the PHQ-9 after a PHQ-2 does not ask its first two items
    /// again; the first item still unanswered comes up. How many were
    /// carried.
    pub fn carry(&mut self, given: &[CarriedAnswer]) -> usize {
        let mut carried = 0;
        for (index, item) in self.instrument.items.iter().enumerate() {
            let Some(code) = &item.loinc else { continue };
            let Some(was) = given.iter().find(|g| &g.item_code == code) else {
                continue;
            };
            let chosen: Option<Vec<usize>> = was
                .labels
                .iter()
                .map(|label| item.answers.iter().position(|o| &o.label == label))
                .collect();
            if let Some(answer) = chosen.and_then(|c| answer_of(item, &c)) {
                self.answers[index] = Some(answer);
                carried += 1;
            }
        }
        if carried > 0 {
            self.position = self
                .answers
                .iter()
                .position(Option::is_none)
                .unwrap_or(self.answers.len());
            self.load_pending();
        }
        carried
    }

    /// Each coded item's answer in words, for the next instrument to carry.
    pub fn carried(&self) -> Vec<CarriedAnswer> {
        self.instrument
            .items
            .iter()
            .zip(&self.answers)
            .filter_map(|(item, answer)| {
                let chosen = match answer.as_ref()? {
                    Answer::One(i) => vec![*i],
                    Answer::Many(list) => list.clone(),
                    Answer::Text(_) => return None,
                };
                Some(CarriedAnswer {
                    item_code: item.loinc.clone()?,
                    labels: chosen
                        .iter()
                        .filter_map(|&i| item.answers.get(i).map(|o| o.label.clone()))
                        .collect(),
                })
            })
            .collect()
    }

    /// The answers as the store keeps them.
    pub fn saved(&self) -> Vec<SavedAnswer> {
        self.instrument
            .items
            .iter()
            .zip(&self.answers)
            .enumerate()
            .filter_map(|(position, (item, answer))| {
                if let Some(Answer::Text(words)) = answer {
                    return Some(SavedAnswer {
                        item: item.id.clone(),
                        position,
                        chosen: Vec::new(),
                        label: None,
                        score: None,
                        codes: Vec::new(),
                        text: Some(words.clone()),
                    });
                }
                let words = answer_words(item, answer.as_ref()?)?;
                Some(SavedAnswer {
                    item: item.id.clone(),
                    position,
                    chosen: words.chosen,
                    label: Some(words.label),
                    score: Some(words.score),
                    codes: words.codes,
                    text: None,
                })
            })
            .collect()
    }

    /// The message of the first safety rule the answers fire, if any.
    pub fn safety_message(&self) -> Option<String> {
        self.score()
            .fired
            .iter()
            .find(|rule| rule.action == RuleAction::Safety)
            .map(|rule| rule.message.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ScreeningStatus;

    fn shipped(id: &str) -> Instrument {
        crate::instruments::load(None)
            .instruments
            .into_iter()
            .find(|i| i.id == id)
            .unwrap()
    }

    fn blank(id: &str) -> Screening {
        Screening {
            id: 1,
            patient_id: 1,
            instrument: id.into(),
            instrument_name: id.into(),
            author: "ccuser".into(),
            started_at: chrono::DateTime::UNIX_EPOCH,
            status: ScreeningStatus::InProgress,
            position: 0,
            signed_at: None,
            signed_by: None,
            total: None,
            band: None,
            safety_raised: false,
            corrects_id: None,
            answers: Vec::new(),
        }
    }

    fn view(id: &str) -> ScreeningView {
        let screening = Screening {
            id: 1,
            patient_id: 1,
            instrument: id.into(),
            instrument_name: id.into(),
            author: "ccuser".into(),
            started_at: chrono::DateTime::UNIX_EPOCH,
            status: ScreeningStatus::InProgress,
            position: 0,
            signed_at: None,
            signed_by: None,
            total: None,
            band: None,
            safety_raised: false,
            corrects_id: None,
            answers: Vec::new(),
        };
        ScreeningView::new(
            &screening,
            shipped(id),
            "Syn, Thetic".into(),
            RuleSex::Other,
        )
    }

    #[test]
    fn a_phq_9_is_answered_by_one_key_an_item_and_scored_as_it_goes() {
        let mut v = view("phq-9");
        for key in "12301230".chars() {
            assert_eq!(v.key(key), Moved::Answered);
        }
        assert_eq!(v.score().total, None, "item 9 not yet answered");
        assert_eq!(v.safety_message(), None);
        assert_eq!(v.key('1'), Moved::Answered);
        assert_eq!(v.score().total, Some(13));
        assert!(v.safety_message().is_some(), "item 9 above 0");
        assert_eq!(v.first_missing(), None, "item 10 may be left");
        assert_eq!(v.position, 9);
        assert_eq!(v.skip(), Moved::Answered);
        assert!(v.at_end());
        assert_eq!(v.saved().len(), 9);
        assert_eq!(v.saved()[2].label.as_deref(), Some("Nearly every day"));
    }

    #[test]
    fn a_required_item_cannot_be_passed_without_an_answer() {
        let mut v = view("phq-9");
        assert!(matches!(v.forward(), Moved::Refused(why) if why.contains("item 1 needs")));
        assert!(matches!(v.skip(), Moved::Refused(_)));
        assert!(matches!(v.key('7'), Moved::Refused(_)));
        assert!(matches!(v.back(), Moved::Refused(_)));
        v.key('2');
        assert_eq!(v.back(), Moved::Stepped);
        assert_eq!(v.forward(), Moved::Stepped, "answered: may go on");
        assert_eq!(v.first_missing(), Some(1));
    }

    #[test]
    fn a_free_text_item_takes_every_key_typed_and_keeps_the_words() {
        let mut v = view("assessment");
        let text = v
            .instrument
            .items
            .iter()
            .position(|i| i.kind == ItemKind::Text)
            .expect("the assessment has free-text items");
        v.position = text;
        assert!(v.on_text());
        for c in "Lives with her daughter, 2 blocks awayx".chars() {
            assert_eq!(v.type_char(c), Moved::Answered);
        }
        assert_eq!(v.backspace(), Moved::Answered);
        assert_eq!(v.words(), "Lives with her daughter, 2 blocks away");
        let saved = v.saved();
        let words = saved.iter().find(|a| a.position == text).unwrap();
        assert_eq!(
            words.text.as_deref(),
            Some("Lives with her daughter, 2 blocks away")
        );
        assert_eq!((words.score, words.label.as_ref()), (None, None));
        let screening = Screening {
            answers: saved,
            position: text,
            ..blank("assessment")
        };
        let again = ScreeningView::new(
            &screening,
            shipped("assessment"),
            String::new(),
            RuleSex::Other,
        );
        assert_eq!(again.words(), "Lives with her daughter, 2 blocks away");
        // Spaces alone are no answer: moving on leaves it unanswered.
        let mut v = view("assessment");
        v.position = text;
        v.type_char(' ');
        let _ = v.forward();
        assert_eq!(v.answers[text], None);
    }

    #[test]
    fn saved_answers_come_back_where_they_were() {
        let mut v = view("gad-7");
        v.key('3');
        v.key('0');
        let mut screening = Screening {
            id: 1,
            patient_id: 1,
            instrument: "gad-7".into(),
            instrument_name: "GAD-7".into(),
            author: "ccuser".into(),
            started_at: chrono::DateTime::UNIX_EPOCH,
            status: ScreeningStatus::InProgress,
            position: 2,
            signed_at: None,
            signed_by: None,
            total: None,
            band: None,
            safety_raised: false,
            corrects_id: None,
            answers: v.saved(),
        };
        let again = ScreeningView::new(&screening, shipped("gad-7"), String::new(), RuleSex::Other);
        assert_eq!(again.answers, v.answers);
        assert_eq!(again.position, 2);
        screening.position = 99;
        let clamped =
            ScreeningView::new(&screening, shipped("gad-7"), String::new(), RuleSex::Other);
        assert!(clamped.at_end());
    }
}
