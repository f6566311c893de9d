//! The record's and the plan's forms: which fields each edit has, what a
//! save makes of them, and what happens when another session saved first.
//! Each save is one store call: one transaction with its audit row.

use chrono::NaiveDate;

use super::form::{Choice, Field, FieldKind, Form, FormEvent};
use super::layers::Modal;
use super::pane::PaneId;
use super::patient::{RecordLine, Section};
use super::{capitalise, App, Message};
use crate::domain::care_plan::{check_goal, GoalPriority, NeedDomain};
use crate::domain::goal::Goal;
use crate::domain::language;
use crate::domain::patient::{ConsentStatus, EnrollmentStatus, FlagKind, RiskTier, Sex};
use crate::store::{
    check_record, CareTeamMember, Medication, Need, PatientCore, PatientDetails, PatientRecord,
    PlanGoal, RecordItem, StoreError,
};
use crate::text::fit;

/// What saving a form does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormPurpose {
    /// Saves the record, on the version the user saw.
    EditRecord {
        patient_id: i64,
        version: i64,
    },
    AddNeed {
        patient_id: i64,
    },
    AddGoal {
        patient_id: i64,
    },
    /// Saves a goal's words, measure, need, dates and priority, on the
    /// version the user saw.
    EditGoal {
        patient_id: i64,
        goal_id: i64,
        version: i64,
    },
    AddCondition {
        patient_id: i64,
    },
    AddMedication {
        patient_id: i64,
    },
    AddAllergy {
        patient_id: i64,
    },
    AddFlag {
        patient_id: i64,
    },
    AddCareTeamMember {
        patient_id: i64,
    },
    /// Sets the date the plan is next reviewed.
    PlanReview {
        patient_id: i64,
        version: i64,
    },
}

pub type PlanForm = Form<FormPurpose>;

fn choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> String,
    label: impl Fn(T) -> String,
) -> FieldKind {
    FieldKind::Choice(
        all.iter()
            .map(|&item| Choice::new(code(item), label(item)))
            .collect(),
    )
}

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

fn yes_no(yes: bool) -> String {
    if yes { "yes" } else { "no" }.to_string()
}

fn consent_label(status: ConsentStatus) -> &'static str {
    match status {
        ConsentStatus::Active => "on file",
        ConsentStatus::None => "none",
        ConsentStatus::Revoked => "revoked",
    }
}

/// The record's fields, as the record form shows them, filled from
/// `record`. Also what a conflict compares: the same texts from the record
/// another session saved.
fn record_fields(record: &PatientRecord, coordinators: &[String]) -> Vec<Field> {
    use FieldKind as K;
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    vec![
        Field::new("given", "Given name", K::Text, &record.given_name).required(),
        Field::new("family", "Family name", K::Text, &record.family_name).required(),
        Field::new(
            "birth",
            "Birth date",
            K::RecordDate,
            &record.birth_date.to_string(),
        )
        .required(),
        Field::new(
            "sex",
            "Sex",
            choices(&Sex::ALL, |s| s.code().into(), |s| s.code().into()),
            record.sex.code(),
        )
        .required(),
        Field::new(
            "gender",
            "Gender identity",
            K::Text,
            &text(&record.gender_identity),
        ),
        Field::new("pronouns", "Pronouns", K::Text, &text(&record.pronouns)),
        Field::new(
            "language",
            "Language",
            K::Language,
            &language::name(&record.language),
        )
        .required(),
        Field::new(
            "interpreter",
            "Interpreter",
            K::YesNo,
            &yes_no(record.interpreter_needed),
        )
        .required(),
        Field::new("phone1", "Phone", K::Phone, &text(&record.phone_primary)),
        Field::new(
            "phone2",
            "Second phone",
            K::Phone,
            &text(&record.phone_secondary),
        ),
        Field::new(
            "preferred",
            "Preferred phone",
            K::Choice(vec![Choice::new("1", "first"), Choice::new("2", "second")]),
            if record.preferred_phone == 2 {
                "second"
            } else {
                "first"
            },
        )
        .required(),
        Field::new(
            "best",
            "Best time to call",
            K::Text,
            &text(&record.best_time_to_call),
        ),
        Field::new(
            "address",
            "Street address",
            K::Text,
            &text(&record.address_line),
        ),
        Field::new("city", "City", K::Text, &text(&record.city)),
        Field::new("state", "State", K::State, &text(&record.state)),
        Field::new("zip", "ZIP", K::PostalCode, &text(&record.postal_code)),
        Field::new(
            "medicaid",
            "Medicaid ID",
            K::Text,
            &text(&record.medicaid_id),
        ),
        Field::new("plan", "Plan", K::Text, &text(&record.plan_name)),
        Field::new(
            "enrollment",
            "Enrollment",
            choices(
                &EnrollmentStatus::ALL,
                |s| s.code().into(),
                |s| s.code().into(),
            ),
            record.enrollment_status.code(),
        )
        .required(),
        Field::new(
            "enrolled_on",
            "Enrolled on",
            K::RecordDate,
            &date_text(record.enrolled_on),
        ),
        Field::new(
            "ended_on",
            "Enrollment ended",
            K::RecordDate,
            &date_text(record.enrollment_ended_on),
        ),
        Field::new(
            "risk",
            "Risk tier",
            choices(
                &RiskTier::ALL,
                |r| r.number().to_string(),
                |r| r.label().into(),
            ),
            record.risk_tier.label(),
        )
        .required(),
        Field::new(
            "coordinator",
            "Coordinator",
            K::Choice(
                coordinators
                    .iter()
                    .map(|c| Choice::new(c.clone(), c.clone()))
                    .collect(),
            ),
            &text(&record.coordinator_user),
        ),
        Field::new(
            "consent",
            "Consent to share",
            choices(
                &ConsentStatus::ALL,
                |c| c.code().into(),
                |c| consent_label(c).into(),
            ),
            consent_label(record.consent_status),
        )
        .required(),
        Field::new(
            "consent_until",
            "Consent expires",
            K::Date,
            &date_text(record.consent_expires_on),
        ),
        Field::new(
            "directive",
            "Advance directive",
            K::YesNo,
            &yes_no(record.advance_directive),
        )
        .required(),
    ]
}

/// A goal's fields, filled from `goal` when it is being edited, with its
/// need chosen (`need`).
fn goal_fields(needs: &[Need], need: Option<i64>, goal: Option<&Goal>) -> Vec<Field> {
    let choices_of_need: Vec<Choice> = needs
        .iter()
        .map(|n| {
            Choice::new(
                n.id.to_string(),
                format!(
                    "{}: {}",
                    n.domain.label().to_lowercase(),
                    fit(&n.description, 40)
                ),
            )
        })
        .collect();
    let chosen = need
        .and_then(|id| choices_of_need.iter().find(|c| c.code == id.to_string()))
        .map(|c| c.label.clone())
        .unwrap_or_default();
    let need_field = Field::new(
        "need",
        "Need",
        FieldKind::Choice(choices_of_need.clone()),
        &chosen,
    );
    let text = |f: fn(&Goal) -> Option<String>| goal.and_then(f).unwrap_or_default();
    vec![
        if choices_of_need.is_empty() {
            need_field
        } else {
            need_field.required()
        },
        Field::new(
            "words",
            "Patient's words",
            FieldKind::Text,
            &text(|g| Some(g.description.clone())),
        )
        .required(),
        Field::new(
            "measure",
            "Measurable target",
            FieldKind::Text,
            &text(|g| g.measure.clone()),
        )
        .required(),
        Field::new(
            "target",
            "Target date",
            FieldKind::Date,
            &text(|g| g.target_date.map(|d| d.to_string())),
        )
        .required(),
        Field::new(
            "priority",
            "Priority",
            choices(
                &GoalPriority::ALL,
                |p| p.code().into(),
                |p| p.label().into(),
            ),
            goal.map_or("medium", |g| g.priority.label()),
        )
        .required(),
        Field::new(
            "start",
            "Start",
            FieldKind::Date,
            &goal
                .and_then(|g| g.start_date)
                .map_or_else(|| "today".to_string(), |d| d.to_string()),
        )
        .required(),
    ]
}

/// The record as the form holds it; the form's fields have all been read.
fn record_from(form: &PlanForm) -> Result<(PatientCore, PatientDetails), String> {
    let core = PatientCore {
        family_name: form.text("family").unwrap_or_default(),
        given_name: form.text("given").unwrap_or_default(),
        birth_date: form.date("birth").unwrap_or_default(),
        sex: form
            .text("sex")
            .as_deref()
            .and_then(Sex::from_code)
            .unwrap_or(Sex::Unknown),
        language: form.text("language").unwrap_or_default(),
        interpreter_needed: form.yes("interpreter"),
        phone_primary: form.text("phone1"),
        phone_secondary: form.text("phone2"),
        medicaid_id: form.text("medicaid"),
        plan_name: form.text("plan"),
        enrollment_status: form
            .text("enrollment")
            .as_deref()
            .and_then(EnrollmentStatus::from_code)
            .unwrap_or(EnrollmentStatus::Outreach),
        enrolled_on: form.date("enrolled_on"),
        enrollment_ended_on: form.date("ended_on"),
        risk_tier: form
            .text("risk")
            .and_then(|n| n.parse().ok())
            .and_then(RiskTier::from_number)
            .unwrap_or(RiskTier::Low),
        coordinator: form.text("coordinator"),
    };
    let details = PatientDetails {
        gender_identity: form.text("gender"),
        pronouns: form.text("pronouns"),
        preferred_phone: if form.text("preferred").as_deref() == Some("2") {
            2
        } else {
            1
        },
        best_time_to_call: form.text("best"),
        address_line: form.text("address"),
        city: form.text("city"),
        state: form.text("state"),
        postal_code: form.text("zip"),
        consent_status: form
            .text("consent")
            .as_deref()
            .and_then(ConsentStatus::from_code)
            .unwrap_or(ConsentStatus::None),
        consent_expires_on: form.date("consent_until"),
        advance_directive: form.yes("directive"),
        // The store keeps these as they are: they have actions of their own.
        medications_reconciled_on: None,
        plan_review_on: None,
    };
    check_record(&core, &details, form.today)?;
    Ok((core, details))
}

fn goal_from(form: &PlanForm) -> Result<PlanGoal, String> {
    let goal = PlanGoal {
        need_id: form.text("need").and_then(|id| id.parse().ok()),
        words: form.text("words").unwrap_or_default(),
        measure: form.text("measure").unwrap_or_default(),
        priority: form
            .text("priority")
            .as_deref()
            .and_then(GoalPriority::from_code)
            .unwrap_or(GoalPriority::Medium),
        start: form.date("start").unwrap_or(form.today),
        target: form.date("target"),
    };
    check_goal(&goal.words, &goal.measure, Some(goal.start), goal.target)
        .map_err(|problem| problem.to_string())?;
    Ok(goal)
}

/// What a form's fields say across fields, once each reads on its own:
/// the reason it cannot be saved, if any.
fn cross_check(form: &PlanForm) -> Result<(), String> {
    match form.purpose {
        FormPurpose::EditRecord { .. } => record_from(form).map(|_| ()),
        FormPurpose::AddGoal { .. } | FormPurpose::EditGoal { .. } => goal_from(form).map(|_| ()),
        FormPurpose::PlanReview { .. } => match form.date("review") {
            Some(on) if on < form.today => Err(format!("the review date {on} has passed")),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// The record form's field for a line of the record, so `e` on "Phone"
/// starts in the phone.
fn field_for(line: &RecordLine) -> Option<&'static str> {
    match line {
        RecordLine::Name(_) => Some("given"),
        RecordLine::Field { label, .. } => match *label {
            "Born" => Some("birth"),
            "Gender" => Some("gender"),
            "Phone" => Some("phone1"),
            "Call at" => Some("best"),
            "Address" => Some("address"),
            "Language" => Some("language"),
            "Medicaid" => Some("medicaid"),
            "Plan" => Some("plan"),
            "Status" => Some("enrollment"),
            "Risk" => Some("risk"),
            "Coord." => Some("coordinator"),
            "Consent" => Some("consent"),
            "Adv dir" => Some("directive"),
            _ => None,
        },
        _ => None,
    }
}

impl App {
    /// `e` on the record: the record form, at the line under the cursor (or
    /// the review date's own form, on the review line).
    pub(super) fn open_record_form(&mut self) -> Result<(), StoreError> {
        let Some(record) = self.shown_record() else {
            return Ok(());
        };
        let line = self.patient.selected_line().cloned();
        if matches!(
            &line,
            Some(RecordLine::Field {
                label: "Review",
                ..
            })
        ) {
            self.open_review_form();
            return Ok(());
        }
        let coordinators = self.store().coordinators()?;
        let mut form = Form::new(
            FormPurpose::EditRecord {
                patient_id: record.id,
                version: record.version,
            },
            format!(
                "Record of {} {}",
                fit(&record.given_name, 20),
                fit(&record.family_name, 20)
            ),
            record_fields(&record, &coordinators),
            self.today(),
        );
        if let Some(name) = line.as_ref().and_then(field_for) {
            form.focus(name);
        }
        self.layers.open(Modal::Form(form));
        Ok(())
    }

    /// `a` on the record: a form adding to the list under the cursor (a
    /// flag, on the name or the flags).
    pub(super) fn open_add_to_record(&mut self) {
        let Some(record) = self.shown_record() else {
            return;
        };
        let patient_id = record.id;
        let today = self.today();
        use FieldKind as K;
        let on_top = matches!(
            self.patient.selected_line(),
            Some(RecordLine::Name(_) | RecordLine::Flag(..))
        );
        let section = if on_top {
            None
        } else {
            self.patient.selected_section()
        };
        let (purpose, title, fields) = match section {
            None if on_top => (
                FormPurpose::AddFlag { patient_id },
                "New flag, shown first whenever the patient is on screen",
                vec![
                    Field::new(
                        "kind",
                        "Kind",
                        choices(
                            &[FlagKind::Safety, FlagKind::DoNotCall, FlagKind::Other],
                            |k| k.code().into(),
                            |k| k.label().to_lowercase(),
                        ),
                        "",
                    )
                    .required(),
                    Field::new("text", "What to know", K::Text, "").required(),
                ],
            ),
            Some(Section::Conditions) => (
                FormPurpose::AddCondition { patient_id },
                "New condition",
                vec![
                    Field::new("name", "Condition", K::Text, "").required(),
                    Field::new("code", "ICD-10 code", K::Icd10, ""),
                    Field::new(
                        "status",
                        "Status",
                        K::Choice(
                            [
                                "active",
                                "recurrence",
                                "relapse",
                                "inactive",
                                "remission",
                                "resolved",
                            ]
                            .iter()
                            .map(|s| Choice::new(*s, *s))
                            .collect(),
                        ),
                        "active",
                    )
                    .required(),
                ],
            ),
            Some(Section::Medications) => (
                FormPurpose::AddMedication { patient_id },
                "New medication",
                vec![
                    Field::new("name", "Medication", K::Text, "").required(),
                    Field::new("dose", "Dose", K::Text, ""),
                    Field::new("frequency", "Frequency", K::Text, ""),
                    Field::new("prescriber", "Prescriber", K::Text, ""),
                ],
            ),
            Some(Section::Allergies) => (
                FormPurpose::AddAllergy { patient_id },
                "New allergy",
                vec![
                    Field::new("substance", "Substance", K::Text, "").required(),
                    Field::new("reaction", "Reaction", K::Text, ""),
                    Field::new(
                        "criticality",
                        "Criticality",
                        K::Choice(vec![
                            Choice::new("low", "low"),
                            Choice::new("high", "high"),
                            Choice::new("unable-to-assess", "unable to assess"),
                        ]),
                        "low",
                    )
                    .required(),
                ],
            ),
            Some(Section::CareTeam) => (
                FormPurpose::AddCareTeamMember { patient_id },
                "New member of the care team",
                vec![
                    Field::new("role", "Role", K::Text, "").required(),
                    Field::new("name", "Name", K::Text, "").required(),
                    Field::new("organization", "Organisation", K::Text, ""),
                    Field::new("phone", "Phone", K::Phone, ""),
                ],
            ),
            _ => {
                self.message = Some(Message::Info(
                    "a adds to the list under the cursor: move to Conditions, Medications, \
                     Allergies or Care team, or to the name for a flag"
                        .into(),
                ));
                return;
            }
        };
        self.layers.open(Modal::Form(Form::new(
            purpose,
            title.to_string(),
            fields,
            today,
        )));
    }

    /// `N` on the plan: a need, in one of the plan's domains.
    pub(super) fn open_need_form(&mut self) {
        let Some(patient_id) = self.shown_patient_id() else {
            return;
        };
        let fields = vec![
            Field::new(
                "domain",
                "Domain",
                choices(
                    &NeedDomain::ALL,
                    |d| d.code().into(),
                    |d| d.label().to_lowercase(),
                ),
                "",
            )
            .required(),
            Field::new("description", "The need", FieldKind::Text, "").required(),
        ];
        self.layers.open(Modal::Form(Form::new(
            FormPurpose::AddNeed { patient_id },
            "New need in the care plan".into(),
            fields,
            self.today(),
        )));
    }

    /// `a` on the plan: a goal, under the need the cursor is on (or its
    /// goal's need).
    pub(super) fn open_goal_form(&mut self) {
        let Some(patient_id) = self.shown_patient_id() else {
            return;
        };
        let fields = goal_fields(&self.goals.needs, self.goals.selected_need(), None);
        let has_need = !fields[0].text().is_empty() || self.goals.needs.is_empty();
        let mut form = Form::new(
            FormPurpose::AddGoal { patient_id },
            "New goal in the care plan".into(),
            fields,
            self.today(),
        );
        if has_need {
            form.focus("words");
        }
        self.layers.open(Modal::Form(form));
    }

    /// `e` on a goal: its words, measure, need, dates and priority.
    pub(super) fn open_goal_edit_form(&mut self) {
        let (Some(goal), Some(patient_id)) = (self.selected_goal(), self.shown_patient_id()) else {
            return;
        };
        let mut form = Form::new(
            FormPurpose::EditGoal {
                patient_id,
                goal_id: goal.id,
                version: goal.version,
            },
            format!("Goal: {}", fit(&goal.description, 50)),
            goal_fields(&self.goals.needs, goal.need_id, Some(&goal)),
            self.today(),
        );
        form.focus("words");
        self.layers.open(Modal::Form(form));
    }

    /// The date the plan is next reviewed (`r` on the plan, `e` on the
    /// record's review line).
    pub(super) fn open_review_form(&mut self) {
        let Some(record) = self.shown_record() else {
            return;
        };
        let fields = vec![Field::new(
            "review",
            "Review by",
            FieldKind::Date,
            &date_text(record.plan_review_on),
        )
        .required()];
        self.layers.open(Modal::Form(Form::new(
            FormPurpose::PlanReview {
                patient_id: record.id,
                version: record.version,
            },
            "Next review of the care plan (its task follows the date)".into(),
            fields,
            self.today(),
        )));
    }

    /// After a care-plan review task is completed: when the plan is next
    /// reviewed, so the record does not go on saying the review is overdue
    /// (Esc leaves it for later).
    pub(super) fn open_next_review_form(&mut self, patient_id: i64) -> Result<(), StoreError> {
        let Some(record) = self.store.patient(patient_id)? else {
            return Ok(());
        };
        let fields =
            vec![Field::new("review", "Next review by", FieldKind::Date, "+6m").required()];
        self.layers.open(Modal::Form(Form::new(
            FormPurpose::PlanReview {
                patient_id,
                version: record.version,
            },
            format!(
                "Plan of {} {} reviewed: when is the next review? (Esc: later)",
                fit(&record.given_name, 20),
                fit(&record.family_name, 20)
            ),
            fields,
            self.today(),
        )));
        Ok(())
    }

    /// `x` on the record: asks before ending the entry under the cursor.
    pub(super) fn ask_end_record_item(&mut self) -> Result<(), StoreError> {
        let Some(patient_id) = self.shown_patient_id() else {
            return Ok(());
        };
        let (text, item) = match self.patient.selected_line() {
            Some(RecordLine::Item(text, Some(item)) | RecordLine::Flag(text, Some(item))) => {
                (text.clone(), *item)
            }
            _ => {
                self.message = Some(Message::Info(
                    "x ends the entry under the cursor: a medication, condition, allergy, \
                     care team member or flag"
                        .into(),
                ));
                return Ok(());
            }
        };
        let verb = match item {
            RecordItem::Condition(_) => "Mark resolved",
            RecordItem::Medication(_) => "Stop",
            RecordItem::Allergy(_) => "Remove (entered in error or ruled out)",
            RecordItem::CareTeamMember(_) => "Remove from the care team",
            RecordItem::Flag(_) => "Take down",
        };
        self.layers.open(Modal::Prompt(super::prompt::Prompt::new(
            super::prompt::PromptKind::EndItem { patient_id, item },
            format!("{verb}: {}? (Enter confirms, Esc cancels)", fit(&text, 40)),
            "",
        )));
        self.update_preview()
    }

    /// A key typed into the open form.
    pub(super) fn form_key(&mut self, key: crossterm::event::KeyEvent) -> Result<(), StoreError> {
        let Some(form) = self.layers.form_mut() else {
            return Ok(());
        };
        match form.key(key) {
            FormEvent::Save => self.save_form(),
            FormEvent::Cancel => {
                let changed = form.is_changed();
                self.layers.take_form();
                self.message = Some(Message::Info(
                    if changed {
                        "Cancelled; nothing was saved"
                    } else {
                        "Closed; nothing was changed"
                    }
                    .into(),
                ));
                Ok(())
            }
            FormEvent::Edited => {
                // The rules across fields are checked as you type, once
                // every field reads on its own.
                form.problem = match form.first_problem() {
                    Some(_) => None,
                    None => cross_check(form).err().map(|p| capitalise(&p)),
                };
                Ok(())
            }
            FormEvent::Unchanged => Ok(()),
        }
    }

    /// Saves the form in one transaction, or keeps it open saying why not.
    fn save_form(&mut self) -> Result<(), StoreError> {
        let Some(form) = self.layers.form_mut() else {
            return Ok(());
        };
        if let Some((index, problem)) = form.first_problem() {
            form.focused = index;
            form.problem = Some(capitalise(&problem));
            return Ok(());
        }
        if let Err(problem) = cross_check(form) {
            form.problem = Some(capitalise(&problem));
            return Ok(());
        }
        let purpose = form.purpose;
        let text = |name: &str| form.text(name);
        // A need or goal just added is selected, ready for its goals or
        // progress.
        let mut added_need = None;
        let mut added_goal = None;
        let result: Result<&str, StoreError> = match purpose {
            FormPurpose::EditRecord {
                patient_id,
                version,
            } => match record_from(form) {
                Ok((core, details)) => self
                    .store
                    .update_patient_record(patient_id, version, &core, &details)
                    .map(|()| "Record saved"),
                Err(problem) => Err(StoreError::Refused(problem)),
            },
            FormPurpose::AddNeed { patient_id } => {
                let domain = text("domain")
                    .as_deref()
                    .and_then(NeedDomain::from_code)
                    .unwrap_or(NeedDomain::Other);
                let description = text("description").unwrap_or_default();
                self.store
                    .add_need(patient_id, domain, &description)
                    .map(|id| {
                        added_need = Some(id);
                        "Need added to the plan: a adds a goal to it"
                    })
            }
            FormPurpose::AddGoal { patient_id } => match goal_from(form) {
                Ok(goal) => self.store.add_plan_goal(patient_id, &goal).map(|id| {
                    added_goal = Some(id);
                    "Goal added to the plan: + records progress"
                }),
                Err(problem) => Err(StoreError::Refused(problem)),
            },
            FormPurpose::EditGoal {
                goal_id, version, ..
            } => match goal_from(form) {
                Ok(goal) => {
                    added_goal = Some(goal_id);
                    self.store
                        .update_plan_goal(goal_id, version, &goal)
                        .map(|()| "Goal saved")
                }
                Err(problem) => Err(StoreError::Refused(problem)),
            },
            FormPurpose::AddCondition { patient_id } => {
                let status = match text("status").as_deref() {
                    Some("recurrence") => "recurrence",
                    Some("relapse") => "relapse",
                    Some("inactive") => "inactive",
                    Some("remission") => "remission",
                    Some("resolved") => "resolved",
                    _ => "active",
                };
                let name = text("name").unwrap_or_default();
                self.store
                    .add_condition(patient_id, text("code").as_deref(), &name, status)
                    .map(|_| "Condition added")
            }
            FormPurpose::AddMedication { patient_id } => {
                let medication = Medication {
                    id: 0,
                    name: text("name").unwrap_or_default(),
                    dose: text("dose"),
                    frequency: text("frequency"),
                    prescriber: text("prescriber"),
                    active: true,
                };
                self.store
                    .add_medication(patient_id, &medication)
                    .map(|_| "Medication added; R stamps the list reconciled")
            }
            FormPurpose::AddAllergy { patient_id } => {
                let criticality = match text("criticality").as_deref() {
                    Some("high") => "high",
                    Some("unable-to-assess") => "unable-to-assess",
                    _ => "low",
                };
                let substance = text("substance").unwrap_or_default();
                self.store
                    .add_allergy(
                        patient_id,
                        &substance,
                        text("reaction").as_deref(),
                        criticality,
                    )
                    .map(|_| "Allergy added")
            }
            FormPurpose::AddFlag { patient_id } => {
                let kind = text("kind")
                    .as_deref()
                    .and_then(FlagKind::from_code)
                    .unwrap_or(FlagKind::Other);
                let what = text("text").unwrap_or_default();
                self.store
                    .add_flag(patient_id, kind, &what)
                    .map(|_| "Flag added")
            }
            FormPurpose::AddCareTeamMember { patient_id } => {
                let member = CareTeamMember {
                    id: 0,
                    role: text("role").unwrap_or_default(),
                    name: text("name").unwrap_or_default(),
                    organization: text("organization"),
                    phone: text("phone"),
                };
                self.store
                    .add_care_team_member(patient_id, &member)
                    .map(|_| "Care team member added")
            }
            FormPurpose::PlanReview {
                patient_id,
                version,
            } => match form.date("review") {
                Some(on) => self
                    .store
                    .set_plan_review(patient_id, version, on)
                    .map(|()| "Plan review date set; its task is due that day"),
                None => Err(StoreError::Refused("type the review date".into())),
            },
        };
        match result {
            Ok(done) => {
                self.layers.take_form();
                self.after_plan_change(Ok(done))?;
                if let Some(id) = added_need {
                    self.goals.select_need(id);
                }
                if let Some(id) = added_goal {
                    self.goals.select_goal(id);
                }
                self.load_tasks()
            }
            Err(StoreError::Conflict(_)) => self.form_conflict(),
            Err(error @ StoreError::Refused(_)) => {
                if let Some(form) = self.layers.form_mut() {
                    form.problem = Some(capitalise(&error.to_string()));
                }
                Ok(())
            }
            // The database could not take it (busy, say): the form stays
            // open with everything typed, to save again.
            Err(other) => Err(other),
        }
    }

    /// Another session saved the record first. Nothing of ours was written.
    /// The form takes their values where the user had not changed a field,
    /// keeps the user's where they had and shows theirs beside it, and
    /// moves to the version now saved, so a second save is a choice made
    /// knowing both: say so, show theirs, lose neither.
    fn form_conflict(&mut self) -> Result<(), StoreError> {
        let patient_id = match self.layers.form().map(|f| f.purpose) {
            Some(
                FormPurpose::EditRecord { patient_id, .. }
                | FormPurpose::PlanReview { patient_id, .. }
                | FormPurpose::EditGoal { patient_id, .. },
            ) => patient_id,
            _ => return Ok(()),
        };
        let today = self.today();
        let now = self.store.patient(patient_id)?;
        let coordinators = self.store.coordinators()?;
        let goal_now = match self.layers.form().map(|f| f.purpose) {
            Some(FormPurpose::EditGoal { goal_id, .. }) => Some(
                self.store
                    .goals(patient_id)?
                    .into_iter()
                    .find(|g| g.id == goal_id),
            ),
            _ => None,
        };
        let needs = self.store.needs(patient_id)?;
        // The panes show the record as it now is.
        self.after_plan_change(Ok("Another session changed this record meanwhile"))?;
        let Some(form) = self.layers.form_mut() else {
            return Ok(());
        };
        let Some(now) = now else {
            self.layers.take_form();
            self.message = Some(Message::Error(
                "That patient is no longer in the database; nothing was saved".into(),
            ));
            return Ok(());
        };
        if let Some(None) = goal_now {
            self.layers.take_form();
            self.message = Some(Message::Error(
                "Another session removed that goal; nothing was saved".into(),
            ));
            return Ok(());
        }
        let goal_now = goal_now.flatten();
        let theirs: Vec<(&'static str, String)> = match (form.purpose, &goal_now) {
            (FormPurpose::EditGoal { .. }, Some(goal)) => {
                goal_fields(&needs, goal.need_id, Some(goal))
                    .into_iter()
                    .map(|f| (f.name, f.text()))
                    .collect()
            }
            (FormPurpose::PlanReview { .. }, _) => {
                vec![("review", date_text(now.plan_review_on))]
            }
            _ => record_fields(&now, &coordinators)
                .into_iter()
                .map(|f| (f.name, f.text()))
                .collect(),
        };
        let mut differing = 0;
        for field in &mut form.fields {
            let Some((_, theirs)) = theirs.iter().find(|(name, _)| *name == field.name) else {
                continue;
            };
            if *theirs == field.initial {
                continue;
            }
            if !field.is_changed() {
                // Untouched here: theirs is simply the newer value.
                field.reset(theirs);
            } else if field.text() != *theirs {
                field.theirs = Some(theirs.clone());
                field.initial = theirs.clone();
                differing += 1;
            } else {
                field.initial = theirs.clone();
            }
        }
        form.purpose = match form.purpose {
            FormPurpose::EditRecord { patient_id, .. } => FormPurpose::EditRecord {
                patient_id,
                version: now.version,
            },
            FormPurpose::PlanReview { patient_id, .. } => FormPurpose::PlanReview {
                patient_id,
                version: now.version,
            },
            FormPurpose::EditGoal {
                patient_id,
                goal_id,
                version,
            } => FormPurpose::EditGoal {
                patient_id,
                goal_id,
                version: goal_now.as_ref().map_or(version, |g| g.version),
            },
            other => other,
        };
        form.today = today;
        let what = match form.purpose {
            FormPurpose::EditGoal { .. } => "goal",
            _ => "record",
        };
        form.problem = Some(match differing {
            0 => format!(
                "Another session saved this {what} meanwhile; nothing was saved. Their changes \
                 are in the form now: Ctrl-S saves yours with them"
            ),
            n => format!(
                "Another session saved this {what} meanwhile; nothing was saved. ≠ marks where \
                 yours and theirs differ ({n}): Ctrl-S saves yours, Esc keeps theirs"
            ),
        });
        if let Some(index) = form.fields.iter().position(|f| f.theirs.is_some()) {
            form.focused = index;
        }
        self.focus = match form.purpose {
            FormPurpose::PlanReview { .. } | FormPurpose::EditGoal { .. } => PaneId::Goals,
            _ => PaneId::Patient,
        };
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_record_line_an_edit_starts_on_is_a_field_of_the_form() {
        let record_names: Vec<&str> = [
            "given",
            "family",
            "birth",
            "sex",
            "gender",
            "pronouns",
            "language",
            "interpreter",
            "phone1",
            "phone2",
            "preferred",
            "best",
            "address",
            "city",
            "state",
            "zip",
            "medicaid",
            "plan",
            "enrollment",
            "enrolled_on",
            "ended_on",
            "risk",
            "coordinator",
            "consent",
            "consent_until",
            "directive",
        ]
        .to_vec();
        for label in [
            "Born", "Gender", "Phone", "Call at", "Address", "Language", "Medicaid", "Plan",
            "Status", "Risk", "Coord.", "Consent", "Adv dir",
        ] {
            let line = RecordLine::Field {
                label,
                value: String::new(),
                alert: false,
            };
            let name = field_for(&line).unwrap_or_else(|| panic!("{label} has no field"));
            assert!(record_names.contains(&name), "{label} → {name}");
        }
    }
}
