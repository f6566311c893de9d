//! The default keymap: a data table, one binding a line. The names are
//! what `[keys]` in the config file rebinds; the descriptions are what `?`
//! shows; the hints are the words of the status line.

use super::action::{Action::*, Context, OverlayKind};
use super::{Binding, Key, Keymap};
use crate::app::pane::PaneId;

/// One binding; the keys as the config file writes them.
fn b(
    name: &'static str,
    action: super::Action,
    context: Context,
    keys: &[&str],
    description: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding {
        name,
        action,
        context,
        keys: keys
            .iter()
            .map(|k| Key::parse(k).unwrap_or_else(|e| panic!("default key of {name}: {e}")))
            .collect(),
        description,
        hint,
    }
}

impl Default for Keymap {
    fn default() -> Keymap {
        use Context::{
            Anywhere, Directory, Editor, EditorHeader, Form, Global, LineInput, Lock, Screening,
        };
        let caseload = Context::Pane(PaneId::Caseload);
        let patient = Context::Pane(PaneId::Patient);
        let goals = Context::Pane(PaneId::Goals);
        let tasks = Context::Pane(PaneId::Tasks);
        let overlay = Context::Overlay;
        #[rustfmt::skip]
        let bindings = vec![
            b("help", Help, Global, &["?", "f1"], "show the keys of this pane", Some("help")),
            b("quit", Quit, Global, &["q"], "quit tend", Some("quit")),
            b("back", Back, Global, &["esc"], "back, or clear the filter", None),
            b("undo", Undo, Global, &["u"], "undo the last change, again for the one before", None),
            b("new_note", NewNote, Global, &["n"], "write a note for the selected patient (their draft, if any)", Some("note")),
            b("resume_draft", ResumeDraft, Global, &["d"], "reopen the draft note left unsigned", None),
            b("command", Command, Global, &[":"], "command line: search WORDS, glass MEMBER-ID REASON, audit FILTERS, transitions [team], encounter, complexity high|moderate, adt, referral, appointment, auth, loops [team|WORDS], week, screen [INSTRUMENT], directory [WORDS]", None),
            b("move_down", MoveDown, Global, &["j", "down"], "move down", None),
            b("move_up", MoveUp, Global, &["k", "up"], "move up", None),
            b("top", Top, Global, &["g", "home"], "go to the top", None),
            b("bottom", Bottom, Global, &["G", "end"], "go to the bottom", None),
            b("page_down", PageDown, Global, &["pagedown", "ctrl-d"], "page down", None),
            b("page_up", PageUp, Global, &["pageup", "ctrl-u"], "page up", None),
            b("next_pane", NextPane, Global, &["tab"], "next pane", None),
            b("prev_pane", PrevPane, Global, &["shift-tab"], "previous pane", None),
            b("zoom", Zoom, Global, &["z"], "zoom this pane to the whole screen, and back", None),
            b("focus_caseload", Focus(PaneId::Caseload), Global, &["1"], "go to the caseload", None),
            b("focus_patient", Focus(PaneId::Patient), Global, &["2"], "go to the patient's record", None),
            b("focus_goals", Focus(PaneId::Goals), Global, &["3"], "go to the care-plan goals", None),
            b("focus_tasks", Focus(PaneId::Tasks), Global, &["4"], "go to today's tasks", None),
            b("open", Open, caseload, &["enter"], "open the patient's record", Some("open")),
            b("open_timeline", Open, patient, &["enter"], "show the patient's notes (/ there searches all notes)", Some("notes")),
            b("reconcile_medications", ReconcileMedications, patient, &["R"], "medications reconciled today (one stamp, audited)", None),
            b("edit_record", EditRecord, patient, &["e"], "edit the record, starting at the line under the cursor", Some("edit")),
            b("add_to_record", AddToRecord, patient, &["a"], "add to the list under the cursor (condition, medication, allergy, care team; a flag on the name)", Some("add")),
            b("end_record_item", EndRecordItem, patient, &["x"], "end the entry under the cursor: stop a medication, resolve a condition, take down a flag, remove an allergy or a team member", None),
            b("add_goal", AddGoal, goals, &["a"], "add a goal, under the need the cursor is on", Some("goal")),
            b("add_intervention", AddIntervention, goals, &["i"], "add an intervention: a task that serves the selected goal", None),
            b("edit_goal", EditGoal, goals, &["e"], "edit the goal: the patient's words, measure, need, dates, priority", None),
            b("add_need", AddNeed, goals, &["N"], "add a need to the plan", Some("need")),
            b("set_plan_review", SetPlanReview, goals, &["r"], "set the date the plan is next reviewed", None),
            b("transitions", Transitions, Global, &["T"], "the transitions of care: the clocks after discharges and emergency visits (:transitions team for the team's)", None),
            b("referrals", Referrals, Global, &["F"], "the patient's referrals: receiver, status, age, next step (n new, m move, Enter all of one)", None),
            b("appointments", Appointments, Global, &["A"], "the patient's appointments, upcoming then past, with transport and interpreter (n books one)", None),
            b("authorizations", Authorizations, Global, &["P"], "the patient's prior authorizations: payer, item, status, dates, units (n new, m move)", None),
            b("open_loops", OpenLoops, Global, &["L"], "the open loops of my patients, oldest first (:loops team for the team's)", None),
            b("week", Week, Global, &["W"], "my appointments of the next seven days, with my patients' no-show rate", None),
            b("screenings", Screenings, Global, &["I"], "screen the patient: their screenings an instrument a row, with trends (n starts one, Enter its history); goes on with one left unfinished", None),
            b("export_care_plan", ExportCarePlan, Global, &["E"], "export the patient's care plan as Markdown to the export folder", None),
            b("set_goal_status", SetGoalStatus, goals, &["S"], "change the goal's status: active, on hold, achieved, cancelled, proposed", Some("status")),
            b("filter", Filter, caseload, &["/"], "filter by name or member ID as you type", Some("filter")),
            b("toggle_team", ToggleTeam, caseload, &["t"], "switch between my patients and the whole team", Some("team")),
            b("cycle_sort", CycleSort, caseload, &["o"], "sort by name, risk, last contact, next due", Some("sort")),
            b("open_goal", Open, goals, &["enter"], "show the whole goal", Some("open")),
            b("add_progress", AddProgress, goals, &["+"], "record progress on the goal: a line, and = a value when measured", Some("progress")),
            b("complete_task", CompleteTask, tasks, &["x"], "complete (with an optional outcome); marked tasks too", Some("done")),
            b("snooze_task", SnoozeTask, tasks, &["s"], "move to another day (Enter alone: tomorrow)", Some("snooze")),
            b("reassign_task", ReassignTask, tasks, &["r"], "give to another coordinator (cross-coverage)", Some("reassign")),
            b("edit_task", EditTask, tasks, &["e"], "edit the title, due date, priority, kind, repeat", None),
            b("add_task", AddTask, tasks, &["a"], "add a task for the patient shown: title due: pri: kind: every:", Some("add")),
            b("mark_task", MarkTask, tasks, &["space"], "mark or unmark, to act on several at once", Some("mark")),
            b("filter_tasks", FilterTasks, tasks, &["/"], "filter: words, kind:, who:mine|team|NAME", None),
            b("open_task_patient", Open, tasks, &["enter"], "open the task's patient", Some("open")),
            b("toggle_task_scope", ToggleTaskScope, tasks, &["p"], "switch between my day and the selected patient's tasks", Some("patient/day")),
            // Overlays: their own keys, then the moves above; any other key closes them.
            b("template_insert", Choose, overlay(OverlayKind::Templates), &["enter"], "insert the selected template", None),
            b("template_by_number", ChooseNumbered, overlay(OverlayKind::Templates), &["1", "2", "3", "4", "5", "6", "7", "8", "9"], "insert the template of that number", None),
            b("proposal_take", Choose, overlay(OverlayKind::Proposal), &["enter"], "take what the note calls for (any other key skips it)", Some("does it")),
            b("timeline_open", Choose, overlay(OverlayKind::Timeline), &["enter"], "show the selected note in full, with its addenda", Some("reads one")),
            b("timeline_search", SearchNotes, overlay(OverlayKind::Timeline), &["/"], "search all notes", Some("searches all notes")),
            b("note_addendum", Addendum, overlay(OverlayKind::Note), &["a"], "add an addendum (a signed correction)", Some("adds an addendum")),
            b("discard_yes", Yes, overlay(OverlayKind::ConfirmDiscard), &["y"], "yes, throw the draft away (any other key keeps it)", Some("discard")),
            b("search_open", Choose, overlay(OverlayKind::Search), &["enter"], "open the result's patient and the note", Some("opens")),
            b("transitions_open", Choose, overlay(OverlayKind::Transitions), &["enter"], "open the patient of the selected clock", Some("opens")),
            b("transitions_void", Void, overlay(OverlayKind::Transitions), &["v"], "void the selected clock, with a reason (a clock that should not run)", Some("voids")),
            b("adt_dismiss", Dismiss, overlay(OverlayKind::AdtQueue), &["d"], "dismiss the selected message, with a reason", Some("dismisses")),
            b("adt_match", Match, overlay(OverlayKind::AdtQueue), &["m"], "match the selected message to a member (their member ID) and apply it", Some("matches")),
            b("referral_new", NewLoop, overlay(OverlayKind::Referrals), &["n"], "a new referral for the patient", Some("new")),
            b("referral_move", MoveLoop, overlay(OverlayKind::Referrals), &["m"], "move the selected referral along its loop (one key a status)", Some("moves")),
            b("referral_open", Choose, overlay(OverlayKind::Referrals), &["enter"], "show the whole referral", Some("shows all")),
            b("referral_find_service", FindService, overlay(OverlayKind::Referrals), &["s"], "find a service in the resource directory and refer to it", Some("directory")),
            b("appointment_new", NewLoop, overlay(OverlayKind::Appointments), &["n"], "book an appointment for the patient", Some("books")),
            b("appointment_move", MoveLoop, overlay(OverlayKind::Appointments), &["m"], "the selected appointment kept, missed, rescheduled or cancelled", Some("moves")),
            b("appointment_transport", ToggleTransport, overlay(OverlayKind::Appointments), &["t"], "transport arranged for it, or not after all", Some("transport")),
            b("appointment_interpreter", ToggleInterpreter, overlay(OverlayKind::Appointments), &["i"], "an interpreter arranged for it, or not after all", Some("interpreter")),
            b("appointment_open", Choose, overlay(OverlayKind::Appointments), &["enter"], "show the whole appointment", None),
            b("authorization_new", NewLoop, overlay(OverlayKind::Authorizations), &["n"], "a new prior authorization for the patient", Some("new")),
            b("authorization_move", MoveLoop, overlay(OverlayKind::Authorizations), &["m"], "record the payer's answer, an appeal or a submission (one key a status)", Some("moves")),
            b("authorization_open", Choose, overlay(OverlayKind::Authorizations), &["enter"], "show the whole authorization", Some("shows all")),
            b("loops_open", Choose, overlay(OverlayKind::OpenLoops), &["enter"], "open the patient of the selected loop", Some("opens")),
            b("safety_steps_done", Choose, overlay(OverlayKind::SafetySteps), &["enter"], "the steps are in hand: back to the screening (Esc too)", Some("back to the screening")),
            b("follow_up_take", Choose, overlay(OverlayKind::FollowUps), &["enter"], "do the selected one: start that instrument, or add that need to the plan", Some("does it")),
            b("follow_up_by_number", ChooseNumbered, overlay(OverlayKind::FollowUps), &["1", "2", "3", "4", "5", "6", "7", "8", "9"], "do the one of that number", None),
            b("screenings_new", StartScreening, overlay(OverlayKind::Screenings), &["n"], "start the selected instrument (or go on with the one left unfinished)", Some("starts")),
            b("history_correct", CorrectScreening, overlay(OverlayKind::ScreeningChart), &["c"], "correct the latest: a new screening with its answers filled in, naming the one it corrects; once signed it stands in its place", Some("corrects")),
            b("abandon_yes", Yes, overlay(OverlayKind::ConfirmAbandon), &["y"], "yes, throw the unfinished screening away (any other key keeps it)", Some("throws it away")),
            b("screenings_chart", Choose, overlay(OverlayKind::Screenings), &["enter"], "the selected instrument's history as a chart", Some("history")),
            b("week_next", NextWeek, overlay(OverlayKind::Week), &["]"], "the next seven days", Some("next")),
            b("week_prev", PrevWeek, overlay(OverlayKind::Week), &["["], "the seven days before", Some("before")),
            b("week_open", Choose, overlay(OverlayKind::Week), &["enter"], "open the patient of the selected appointment", Some("opens")),
            // The note editor. Keys go to the text first: only keys with
            // Ctrl (or that type nothing) can be bound here.
            b("editor_header", NextField, Editor, &["tab"], "go round the header: one key chooses a field and moves on", Some("header")),
            b("editor_sign", Save, Editor, &["ctrl-s"], "sign the note, asking first for each header field not chosen (one key each)", Some("sign")),
            b("editor_close", Cancel, Editor, &["esc"], "close, keeping the draft", Some("keep draft")),
            b("editor_template", InsertTemplate, Editor, &["ctrl-t"], "insert a template", Some("template")),
            b("editor_time", InsertTime, Editor, &["ctrl-o"], "insert the time", Some("time")),
            b("editor_discard", DiscardDraft, Editor, &["ctrl-q"], "throw the draft away (after y)", Some("discard")),
            b("editor_minutes", PrevField, Editor, &["shift-tab"], "go back round the header, to the minutes first", None),
            b("editor_undo", UndoTyping, Editor, &["ctrl-z"], "undo the last typing", None),
            b("editor_help", Help, Editor, &["f1"], "show these keys", None),
            b("header_next_value", NextChoice, EditorHeader, &["right"], "the field's next value", None),
            b("header_prev_value", PrevChoice, EditorHeader, &["left"], "the field's previous value", None),
            b("header_clear", ClearChoice, EditorHeader, &["backspace", "delete"], "the field back to not chosen (the minutes: a digit less)", None),
            b("header_next_field", MoveDown, EditorHeader, &["enter", "down"], "the next field (after the minutes, the text)", None),
            b("header_prev_field", MoveUp, EditorHeader, &["up"], "the field before", None),
            // Forms.
            b("form_complete", Complete, Form, &["tab"], "complete a value that does not read yet from the suggestions, else the next field", Some("next")),
            b("form_enter", Submit, Form, &["enter"], "the next field; on the last, save", Some("next")),
            b("form_prev_field", PrevField, Form, &["shift-tab", "up"], "the field before", Some("back")),
            b("form_save", Save, Form, &["ctrl-s"], "save, from any field", Some("saves")),
            b("form_cancel", Cancel, Form, &["esc"], "close without saving", Some("cancels")),
            b("form_next_field", NextField, Form, &["down"], "the next field", None),
            b("form_next_suggestion", NextSuggestion, Form, &["ctrl-n"], "the next suggestion for the field", None),
            b("form_prev_suggestion", PrevSuggestion, Form, &["ctrl-p"], "the suggestion before", None),
            b("form_take_suggestion", AcceptCompletion, Form, &["right"], "take the suggestion (at the end of the text)", None),
            b("form_help", Help, Form, &["f1"], "show these keys", None),
            // One-line prompts and the caseload's filter line.
            b("line_submit", Submit, LineInput, &["enter"], "do it (the filter line: keep the filter)", Some("does it")),
            b("line_cancel", Cancel, LineInput, &["esc"], "cancel, changing nothing (the filter line: clear the filter)", Some("cancels")),
            b("line_complete", Complete, LineInput, &["tab"], "complete a coordinator's name", None),
            b("line_help", Help, LineInput, &["f1"], "show these keys", None),
            // The resource directory: its query line takes text.
            b("directory_choose", Choose, Directory, &["enter"], "refer the patient to the selected service (browsing: show it in full)", Some("refers")),
            b("directory_show", ShowService, Directory, &["ctrl-o"], "show the selected service in full: description, every phone and address", Some("in full")),
            b("directory_domain", NextChoice, Directory, &["tab"], "the domain: filter, to the next need domain (after the last, none)", Some("domain")),
            b("directory_domain_back", PrevChoice, Directory, &["shift-tab"], "the domain: filter, to the need domain before", None),
            b("directory_language", PatientLanguage, Directory, &["ctrl-g"], "add the patient's language as a filter (lang:), or take the language filter away", None),
            b("directory_down", MoveDown, Directory, &["down", "ctrl-n"], "the next service", None),
            b("directory_up", MoveUp, Directory, &["up", "ctrl-p"], "the service before", None),
            b("directory_page_down", PageDown, Directory, &["pagedown"], "a page of services on", None),
            b("directory_page_up", PageUp, Directory, &["pageup"], "a page of services back", None),
            b("directory_close", Cancel, Directory, &["esc"], "close the directory (to the referrals, when opened from them)", Some("closes")),
            b("directory_help", Help, Directory, &["f1"], "show these keys", None),
            // A screening being administered; a number answers.
            b("screening_next", NextField, Screening, &["right", "tab"], "the next item (one that may be skipped is left unanswered)", Some("next")),
            b("screening_back", PrevField, Screening, &["left", "shift-tab"], "the item before", Some("back")),
            b("screening_clear", ClearChoice, Screening, &["delete"], "take the answer of this item away", None),
            b("screening_enter", Submit, Screening, &["enter"], "take the answers chosen (choose all that apply); at the end, sign", Some("signs at the end")),
            b("screening_discard", DiscardDraft, Screening, &["ctrl-q"], "throw this unfinished screening away (asks first)", None),
            b("screening_leave", Cancel, Screening, &["esc"], "leave it unfinished: it is kept and offered back", Some("keeps it")),
            b("screening_help", Help, Screening, &["f1"], "show these keys", None),
            // Every layer, even where text is typed.
            b("lock", LockScreen, Anywhere, &["ctrl-l"], "lock the screen now (your passphrase unlocks it; an open note is saved first)", None),
            // The lock screen, which takes the passphrase as text.
            b("lock_submit", Submit, Lock, &["enter"], "unlock with the passphrase typed (or take the one chosen)", Some("unlocks")),
            b("lock_back", Cancel, Lock, &["esc"], "clear what was typed; while choosing a first passphrase, do not lock", None),
            b("lock_leave", Quit, Lock, &["ctrl-q"], "save everything and leave tend", Some("saves and leaves")),
        ];
        Keymap { bindings }
    }
}
