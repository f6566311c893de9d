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

    /// Brings the selection back into view. A step past an edge (a row, or
    /// a page) turns the page: the row the selection came from stays on
    /// screen as the one row of context, and every other row is new. Over a
    /// slow link a one-row scroll rewrites every row of the pane on every
    /// key (ratatui's diff has no way to shift cells, and a terminal scroll
    /// region spans the whole width, across the pane beside it), so the
    /// view moves seldom and far: a turn once per view's height less one,
    /// where centring the selection (as mutt does) turned every half view.
    /// A selection that lands farther away (a search, `G`, a re-sort) is
    /// centred, with context on both sides.
    fn keep_visible(&mut self) {
        let height = self.height();
        let below = self.selected >= self.scroll + height;
        let above = self.selected < self.scroll;
        // A view of one row has no room for context: the selection alone.
        let context = usize::from(height > 1);
        if below && self.selected < self.scroll + 2 * height {
            self.scroll = self.selected - context;
        } else if above && self.selected + height >= self.scroll {
            self.scroll = (self.selected + 1 + context).saturating_sub(height);
        } else if below || above {
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
    fn moving_past_an_edge_turns_the_page_keeping_one_row_of_context() {
        let mut c = cursor(30, 4);
        for _ in 0..3 {
            assert!(c.apply(Action::MoveDown));
        }
        assert_eq!((c.selected(), c.scroll()), (Some(3), 0));
        c.apply(Action::MoveDown);
        assert_eq!(
            (c.selected(), c.scroll()),
            (Some(4), 3),
            "the row it came from on top"
        );
        assert_eq!(c.visible(), 3..7);
        c.apply(Action::MoveDown);
        c.apply(Action::MoveDown);
        assert_eq!(c.scroll(), 3, "the next rows are in view: no scroll");
        c.apply(Action::MoveDown);
        assert_eq!(
            (c.selected(), c.scroll()),
            (Some(7), 6),
            "a turn per 3 rows"
        );
        // Back up: the row it came from stays at the bottom.
        for _ in 0..2 {
            c.apply(Action::MoveUp);
        }
        assert_eq!((c.selected(), c.scroll()), (Some(5), 3));
        c.apply(Action::MoveUp);
        c.apply(Action::MoveUp);
        c.apply(Action::MoveUp);
        assert_eq!(
            (c.selected(), c.scroll()),
            (Some(2), 0),
            "and back to the top"
        );
    }

    #[test]
    fn a_view_of_one_row_always_shows_the_selection() {
        let mut c = cursor(10, 1);
        for _ in 0..9 {
            c.apply(Action::MoveDown);
            assert!(c.visible().contains(&c.selected().unwrap()), "{c:?}");
        }
        for _ in 0..9 {
            c.apply(Action::MoveUp);
            assert!(c.visible().contains(&c.selected().unwrap()), "{c:?}");
        }
    }

    #[test]
    fn a_selection_that_lands_far_away_is_centred() {
        let mut c = cursor(100, 10);
        c.select(50);
        assert_eq!(c.scroll(), 45);
        c.select(20);
        assert_eq!(c.scroll(), 15);
        c.apply(Action::Bottom);
        assert_eq!(c.scroll(), 90, "no empty rows below the end");
        c.apply(Action::PageUp);
        assert_eq!((c.selected(), c.scroll()), (Some(90), 90), "still in view");
        c.apply(Action::PageUp);
        assert_eq!(
            (c.selected(), c.scroll()),
            (Some(81), 73),
            "a page up keeps the row it came from at the bottom"
        );
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
