//! A cursor over a list that may be longer than the rows on screen: which
//! row is selected and which is at the top of the view.

use super::keymap::Action;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListCursor {
    len: usize,
    selected: usize,
    /// The first row on screen.
    scroll: usize,
    /// Rows on screen (at least 1).
    height: usize,
}

impl ListCursor {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn selected(&self) -> Option<usize> {
        (self.len > 0).then_some(self.selected)
    }

    pub fn scroll(&self) -> usize {
        self.scroll
    }

    pub fn height(&self) -> usize {
        self.height.max(1)
    }

    /// The rows on screen, as a range of indexes.
    pub fn visible(&self) -> std::ops::Range<usize> {
        self.scroll..(self.scroll + self.height()).min(self.len)
    }

    pub fn set_len(&mut self, len: usize) {
        self.len = len;
        self.selected = self.selected.min(len.saturating_sub(1));
        self.keep_visible();
    }

    pub fn set_height(&mut self, height: usize) {
        self.height = height.max(1);
        // A view that grew enough to show the list from its top does so,
        // rather than keep a scroll chosen for a smaller view.
        if self.selected < self.height {
            self.scroll = 0;
        }
        self.keep_visible();
    }

    pub fn select(&mut self, index: usize) {
        self.selected = index.min(self.len.saturating_sub(1));
        self.keep_visible();
    }

    /// Applies a movement; returns whether the selection moved.
    pub fn apply(&mut self, action: Action) -> bool {
        if self.len == 0 {
            return false;
        }
        let last = self.len - 1;
        let page = self.height().saturating_sub(1).max(1);
        let before = self.selected;
        self.selected = match action {
            Action::MoveDown => (self.selected + 1).min(last),
            Action::MoveUp => self.selected.saturating_sub(1),
            Action::Top => 0,
            Action::Bottom => last,
            Action::PageDown => (self.selected + page).min(last),
            Action::PageUp => self.selected.saturating_sub(page),
            _ => self.selected,
        };
        self.keep_visible();
        self.selected != before
    }

    /// Brings the selection back into view by centring it, rather than by
    /// scrolling one row: over a slow link a one-row scroll rewrites every
    /// row of the pane on every press, a jump of half a view once per half
    /// view (the choice mutt makes, for the same reason).
    fn keep_visible(&mut self) {
        let height = self.height();
        if self.selected < self.scroll || self.selected >= self.scroll + height {
            self.scroll = self.selected.saturating_sub(height / 2);
        }
        // No empty rows below the end when the list could fill the view.
        self.scroll = self.scroll.min(self.len.saturating_sub(height));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(len: usize, height: usize) -> ListCursor {
        let mut c = ListCursor::default();
        c.set_height(height);
        c.set_len(len);
        c
    }

    #[test]
    fn moving_past_the_edge_centres_the_selection() {
        let mut c = cursor(20, 4);
        assert!(c.apply(Action::MoveDown));
        assert!(c.apply(Action::MoveDown));
        assert!(c.apply(Action::MoveDown));
        assert_eq!((c.selected(), c.scroll()), (Some(3), 0));
        c.apply(Action::MoveDown);
        assert_eq!((c.selected(), c.scroll()), (Some(4), 2), "half a view on");
        assert_eq!(c.visible(), 2..6);
        c.apply(Action::MoveDown);
        assert_eq!(c.scroll(), 2, "the next row is in view: no scroll");
        for _ in 0..4 {
            c.apply(Action::MoveUp);
        }
        assert_eq!((c.selected(), c.scroll()), (Some(1), 0), "and back up");
    }

    #[test]
    fn top_bottom_and_pages_stay_in_bounds() {
        let mut c = cursor(10, 4);
        c.apply(Action::Bottom);
        assert_eq!((c.selected(), c.scroll()), (Some(9), 6));
        assert!(
            !c.apply(Action::MoveDown),
            "the bottom does not move further"
        );
        c.apply(Action::PageUp);
        assert_eq!(c.selected(), Some(6));
        c.apply(Action::Top);
        assert_eq!((c.selected(), c.scroll()), (Some(0), 0));
        assert!(!c.apply(Action::MoveUp));
        c.apply(Action::PageDown);
        assert_eq!(c.selected(), Some(3));
    }

    #[test]
    fn an_empty_list_has_no_selection_and_shrinking_clamps_it() {
        let mut c = cursor(0, 5);
        assert_eq!(c.selected(), None);
        assert!(!c.apply(Action::MoveDown));
        let mut c = cursor(20, 5);
        c.apply(Action::Bottom);
        c.set_len(3);
        assert_eq!((c.selected(), c.scroll()), (Some(2), 0));
    }
}
