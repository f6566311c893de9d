//! Choice lists: a closed set of values, each with the code tend stores
//! (the FHIR code where FHIR has the list) and the words a person reads
//! and types. Forms offer them, the store and FHIR read and write their
//! codes, the generator draws from them: one list, named once.

/// A closed list of choices.
pub trait ChoiceList: Copy + Eq + Sized + 'static {
    /// Every choice, in the order a form offers them.
    const ALL: &'static [Self];

    /// What is stored, and exported.
    fn code(self) -> &'static str;

    /// The words shown for it (a form shows them in lower case, inside a
    /// line).
    fn label(self) -> &'static str;

    fn from_code(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.code() == code)
    }

    /// Every code, for a message naming what may be given.
    fn codes() -> Vec<&'static str> {
        Self::ALL.iter().map(|c| c.code()).collect()
    }
}

/// Implements [`ChoiceList`] for an enum from its `ALL` array and its
/// `code` method, with the label given per variant.
macro_rules! choice_list {
    ($ty:ty, |$c:ident| $label:expr) => {
        impl $crate::domain::choice::ChoiceList for $ty {
            const ALL: &'static [Self] = &<$ty>::ALL;

            fn code(self) -> &'static str {
                <$ty>::code(self)
            }

            fn label(self) -> &'static str {
                let $c = self;
                $label
            }
        }
    };
}

pub(crate) use choice_list;

/// Defines a closed set of choices, each with its stored code, its label and
/// the key that picks it in the note editor; each is a [`ChoiceList`].
///
/// [`ChoiceList`]: crate::domain::choice::ChoiceList
macro_rules! choices {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = ($code:literal, $label:literal, $key:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// The key that picks it in the editor's header.
            pub fn key(self) -> char {
                match self { $($name::$variant => $key),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|c| c.code() == code)
            }

            pub fn from_key(key: char) -> Option<$name> {
                $name::ALL.iter().copied().find(|c| c.key() == key)
            }
        }

        impl $crate::domain::choice::ChoiceList for $name {
            const ALL: &'static [$name] = $name::ALL;

            fn code(self) -> &'static str {
                $name::code(self)
            }

            fn label(self) -> &'static str {
                $name::label(self)
            }
        }
    };
}

pub(crate) use choices;
