//! Online applications (办件, issue 17): the citizen's side and the automatic checks, with no I/O.
//!
//! - [`form`]: a service's application form, parsed whole, and the answers checked all at once
//!   ([`values`] checks one answer against its field's kind);
//! - [`material`]: for each material of the guide, the sources the citizen can give it from — a
//!   wallet certificate, an item of the material library (材料库) by its reuse class, an upload
//!   (sniffed and size-checked) — ranked best first, each with the reason it is or is not usable;
//! - [`submission`]: what the device sends, the binding of a wallet presentation to the
//!   department and the application, and the automatic pre-review (预审) that gives findings;
//! - [`rating`]: 好差评, once per application, and the rectification (整改) a bad rating opens.
//!
//! `docs/plans/issue-17.md` names the pieces; the workflow, the case QR and the result document
//! live beside these modules.

pub mod form;
pub mod material;
pub mod rating;
pub mod submission;
pub mod values;
