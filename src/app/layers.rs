//! What sits over the panes, as a stack of at most four layers: the panes
//! at the bottom, then at most one modal layer (the caseload's filter line,
//! a prompt, a form, the note editor, the resource directory or a screening), then at most one overlay (help, a
//! goal, the timeline, …), which may sit over a modal one (the templates
//! over the editor, the help of a form), and over everything the lock
//! screen, which hides all of it.
//!
//! Exactly one layer takes a key: the top one ([`Layers::top`]). The types
//! leave no room for the combinations that cannot happen — a form and the
//! editor both open, two prompts, a filter line under a prompt — and the
//! screen is drawn by walking the same stack, bottom to top, so the order
//! keys are taken in and the order layers are drawn in cannot disagree.

use super::directory::DirectoryView;
use super::editor::NoteEditor;
use super::forms::OpenForm;
use super::line_input::LineInput;
use super::lock::LockScreen;
use super::overlays::Overlay;
use super::prompts::Prompt;
use super::screening::ScreeningView;

/// The one layer between the panes and an overlay, while it is open.
pub enum Modal {
    /// The caseload's filter line, being typed.
    Filter(LineInput),
    /// The one-line prompt of an action.
    Prompt(Prompt),
    /// A form being filled in.
    Form(OpenForm),
    /// The note being written.
    Editor(NoteEditor),
    /// The community resource directory, searched as its line is typed.
    Directory(DirectoryView),
    /// A screening being administered.
    Screening(Box<ScreeningView>),
}

/// Which layer is on top, and so takes the next key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Top {
    Panes,
    Filter,
    Prompt,
    Form,
    Editor,
    Directory,
    Screening,
    Overlay,
    Lock,
}

/// The layers over the panes.
#[derive(Default)]
pub struct Layers {
    modal: Option<Modal>,
    overlay: Option<Overlay>,
    lock: Option<LockScreen>,
}

macro_rules! modal_access {
    ($variant:ident, $ty:ty, $get:ident, $get_mut:ident, $take:ident) => {
        pub fn $get(&self) -> Option<&$ty> {
            match &self.modal {
                Some(Modal::$variant(layer)) => Some(layer),
                _ => None,
            }
        }

        pub fn $get_mut(&mut self) -> Option<&mut $ty> {
            match &mut self.modal {
                Some(Modal::$variant(layer)) => Some(layer),
                _ => None,
            }
        }

        /// Closes this layer if it is the open one, giving it back.
        pub fn $take(&mut self) -> Option<$ty> {
            match self.modal.take() {
                Some(Modal::$variant(layer)) => Some(layer),
                other => {
                    self.modal = other;
                    None
                }
            }
        }
    };
}

impl Layers {
    /// The layer that takes the next key.
    pub fn top(&self) -> Top {
        if self.lock.is_some() {
            return Top::Lock;
        }
        if self.overlay.is_some() {
            return Top::Overlay;
        }
        match &self.modal {
            None => Top::Panes,
            Some(Modal::Filter(_)) => Top::Filter,
            Some(Modal::Prompt(_)) => Top::Prompt,
            Some(Modal::Form(_)) => Top::Form,
            Some(Modal::Editor(_)) => Top::Editor,
            Some(Modal::Directory(_)) => Top::Directory,
            Some(Modal::Screening(_)) => Top::Screening,
        }
    }

    /// The modal layer, for drawing.
    pub fn modal(&self) -> Option<&Modal> {
        self.modal.as_ref()
    }

    /// Opens a modal layer in place of the one open, if any — except over
    /// the note editor, whose text is never closed by opening something
    /// else: then nothing opens and false says so.
    pub fn open(&mut self, layer: Modal) -> bool {
        if matches!(self.modal, Some(Modal::Editor(_))) && !matches!(layer, Modal::Editor(_)) {
            return false;
        }
        self.modal = Some(layer);
        true
    }

    modal_access!(Filter, LineInput, filter, filter_mut, take_filter);
    modal_access!(Prompt, Prompt, prompt, prompt_mut, take_prompt);
    modal_access!(Form, OpenForm, form, form_mut, take_form);
    modal_access!(Editor, NoteEditor, editor, editor_mut, take_editor);
    modal_access!(
        Directory,
        DirectoryView,
        directory,
        directory_mut,
        take_directory
    );
    modal_access!(
        Screening,
        Box<ScreeningView>,
        screening,
        screening_mut,
        take_screening
    );

    pub fn overlay(&self) -> Option<&Overlay> {
        self.overlay.as_ref()
    }

    pub fn overlay_mut(&mut self) -> Option<&mut Overlay> {
        self.overlay.as_mut()
    }

    /// Shows an overlay over whatever is open, in place of another overlay.
    pub fn show(&mut self, overlay: Overlay) {
        self.overlay = Some(overlay);
    }

    /// Closes the overlay, giving it back.
    pub fn take_overlay(&mut self) -> Option<Overlay> {
        self.overlay.take()
    }

    /// The lock screen, while the screen is locked: everything under it
    /// stays as it was, and none of it is drawn.
    pub fn lock(&self) -> Option<&LockScreen> {
        self.lock.as_ref()
    }

    pub fn lock_mut(&mut self) -> Option<&mut LockScreen> {
        self.lock.as_mut()
    }

    pub fn set_lock(&mut self, lock: Option<LockScreen>) {
        self.lock = lock;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_top_layer_takes_the_key() {
        let mut layers = Layers::default();
        assert_eq!(layers.top(), Top::Panes);
        assert!(layers.open(Modal::Filter(LineInput::new(""))));
        assert_eq!(layers.top(), Top::Filter);
        layers.show(Overlay::Help {
            scroll: 0,
            of: crate::app::keymap::Context::Global,
        });
        assert_eq!(layers.top(), Top::Overlay);
        layers.take_overlay();
        assert_eq!(layers.top(), Top::Filter);
        assert!(layers.take_prompt().is_none(), "not the open layer");
        assert!(layers.take_filter().is_some());
        assert_eq!(layers.top(), Top::Panes);
    }
}
