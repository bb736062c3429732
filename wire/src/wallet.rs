//! Types of the wallet screens' IPC: creating and unlocking the wallet, the certificates and their
//! detail, presenting one as a QR code, verifying someone else's code, and the presentation log.
//!
//! Dates travel as `YYYY-MM-DD` (China Standard Time) and times as `YYYY-MM-DD HH:MM`, formatted
//! by the app; attribute names and reasons travel as codes the UI translates.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ipc::JpegPreview;

/// Whether this device has a wallet and whether it is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalletStatusView {
    /// A wallet exists in the app's data directory.
    pub exists: bool,
    /// It is unlocked in this session.
    pub unlocked: bool,
}

/// A PIN is this many digits.
pub const PIN_DIGITS: usize = 6;

/// A PIN: exactly [`PIN_DIGITS`] ASCII digits, the one rule for every PIN the app takes (the
/// screens check it before asking the app, the app again before deriving a key). `Debug` hides
/// it.
#[derive(Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Drop for Pin {
    /// The PIN is zeroed when dropped, so it does not linger in freed memory.
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

/// Why a text is not a PIN. Says nothing of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinError {
    /// Not [`PIN_DIGITS`] characters long.
    #[error("a PIN is {PIN_DIGITS} digits long")]
    WrongLength,
    /// A character that is not an ASCII digit (full-width digits included).
    #[error("a PIN has only the digits 0-9")]
    NotADigit,
}

impl Pin {
    /// The PIN in `text`, which must be exactly [`PIN_DIGITS`] ASCII digits (no spaces).
    ///
    /// # Errors
    /// [`PinError::WrongLength`], [`PinError::NotADigit`].
    pub fn parse(text: &str) -> Result<Pin, PinError> {
        if text.chars().count() != PIN_DIGITS {
            return Err(PinError::WrongLength);
        }
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PinError::NotADigit);
        }
        Ok(Pin(text.to_owned()))
    }

    /// The digits.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Pin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Pin([redacted])")
    }
}

/// Arguments of creating or unlocking the wallet. `Debug` hides the PIN. The app parses it
/// into a [`Pin`] (a text that is not one is answered with an error, not refused unread).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinRequest {
    /// Six digits.
    pub pin: String,
}

impl From<&Pin> for PinRequest {
    fn from(pin: &Pin) -> Self {
        Self { pin: pin.as_str().to_owned() }
    }
}

impl fmt::Debug for PinRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PinRequest([redacted])")
    }
}

/// Arguments of changing the PIN. `Debug` hides both.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangePinRequest {
    /// The PIN now.
    pub current: String,
    /// The new six digits.
    pub new: String,
}

impl fmt::Debug for ChangePinRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChangePinRequest([redacted])")
    }
}

/// A value of a preference that the app does not offer (a damaged `settings.json`, or a UI of
/// another version).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a preference value the app does not offer")]
pub struct UnknownSetting;

/// The languages the app speaks. Crosses as its BCP 47 tag (`zh-Hans`, `zh-Hant`, `en`), which
/// [`Language::tag`] spells once for the JSON, the files and the page's `lang` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Language {
    /// 简体中文, the default.
    #[default]
    ZhHans,
    /// 繁體中文.
    ZhHant,
    /// English.
    En,
}

impl Language {
    /// Every language, in the order the pickers show them.
    pub const ALL: [Language; 3] = [Language::ZhHans, Language::ZhHant, Language::En];

    /// The BCP 47 tag.
    #[must_use]
    pub fn tag(self) -> &'static str {
        match self {
            Language::ZhHans => "zh-Hans",
            Language::ZhHant => "zh-Hant",
            Language::En => "en",
        }
    }
}

impl TryFrom<String> for Language {
    type Error = UnknownSetting;

    fn try_from(tag: String) -> Result<Self, Self::Error> {
        Language::ALL.into_iter().find(|l| l.tag() == tag).ok_or(UnknownSetting)
    }
}

impl From<Language> for &'static str {
    fn from(language: Language) -> Self {
        language.tag()
    }
}

/// When the open wallet locks itself: after this many minutes without a touch or a key, or
/// never. Crosses as the JSON number of minutes (0: never), as `settings.json` has always
/// kept it, so a file written before these were an enum still reads; any other number is
/// refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub enum AutoLock {
    /// Never.
    Never,
    /// After one minute.
    OneMinute,
    /// After two minutes.
    TwoMinutes,
    /// After five minutes, the default.
    #[default]
    FiveMinutes,
    /// After ten minutes.
    TenMinutes,
    /// After thirty minutes.
    ThirtyMinutes,
}

impl AutoLock {
    /// Every choice, shortest first after "never", as the settings screen lists them.
    pub const ALL: [AutoLock; 6] = [
        AutoLock::Never,
        AutoLock::OneMinute,
        AutoLock::TwoMinutes,
        AutoLock::FiveMinutes,
        AutoLock::TenMinutes,
        AutoLock::ThirtyMinutes,
    ];

    /// The minutes without activity before the wallet locks; `None` for never.
    #[must_use]
    pub fn minutes(self) -> Option<u32> {
        match self {
            AutoLock::Never => None,
            AutoLock::OneMinute => Some(1),
            AutoLock::TwoMinutes => Some(2),
            AutoLock::FiveMinutes => Some(5),
            AutoLock::TenMinutes => Some(10),
            AutoLock::ThirtyMinutes => Some(30),
        }
    }
}

impl TryFrom<u32> for AutoLock {
    type Error = UnknownSetting;

    fn try_from(minutes: u32) -> Result<Self, Self::Error> {
        AutoLock::ALL.into_iter().find(|a| u32::from(*a) == minutes).ok_or(UnknownSetting)
    }
}

impl From<AutoLock> for u32 {
    fn from(choice: AutoLock) -> Self {
        choice.minutes().unwrap_or(0)
    }
}

/// The app's preferences, kept outside the wallet (they apply before it is unlocked). A value
/// the app does not offer does not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsView {
    /// The language.
    pub language: Language,
    /// When the wallet locks itself (its JSON name says the number is minutes).
    #[serde(rename = "auto_lock_minutes")]
    pub auto_lock: AutoLock,
    /// Whether the wallet is erased from the device at the tenth wrong PIN in a row (the user's
    /// choice; on unless turned off, also for a settings file written before it existed).
    #[serde(default = "wipe_on")]
    pub wipe_after_wrong_pins: bool,
    /// 长辈版: larger text and controls and fewer items per screen (ADR 0004). Off unless turned
    /// on, also for a settings file written before it existed.
    #[serde(default)]
    pub elder_mode: bool,
    /// Spoken guidance during the face check (each action said aloud). `None` follows 长辈版: on
    /// in elder mode, off otherwise, also for a settings file written before the choice existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice_guidance: Option<bool>,
}

impl SettingsView {
    /// Whether the face check says each action aloud: the user's choice, or 长辈版's default.
    pub fn speaks(&self) -> bool {
        self.voice_guidance.unwrap_or(self.elder_mode)
    }
}

fn wipe_on() -> bool {
    true
}

impl Default for SettingsView {
    fn default() -> Self {
        Self {
            language: Language::default(),
            auto_lock: AutoLock::default(),
            wipe_after_wrong_pins: true,
            elder_mode: false,
            voice_guidance: None,
        }
    }
}

/// Arguments of listing certificates.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListCertificatesRequest {
    /// Text to look for (type name, holder name, any text field); empty lists everything.
    pub query: String,
}

/// Arguments naming one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRequest {
    /// The GB/T 36904 identifier, with its version.
    pub id: String,
}

/// The badge on a certificate's card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StatusBadge {
    /// Genuine, in date and not revoked, against fresh lists.
    Valid,
    /// Valid, but it ends within 30 days.
    ExpiringSoon,
    /// Its validity has ended.
    Expired,
    /// The issuer revoked it.
    Revoked,
    /// The issuer suspended it.
    Suspended,
    /// It could not be checked fully: no cached trust or status list, or a stale one.
    UnverifiedOffline,
    /// A check failed (signature, issuer, attributes).
    Invalid,
    /// The issuer cancelled it (注销): what an invalid status means for an identity document
    /// (ID card, household register, residence permit, travel permit).
    Cancelled,
    /// The issuer withdrew it and the wallet holds a later certificate of the same type for the
    /// same holder (换发): the new one is the one to show.
    Replaced,
}

/// A certificate as its card in the wallet shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateCardView {
    /// The identifier, with its version.
    pub id: String,
    /// The type's slug, e.g. `resident-id-card`; the UI translates it.
    pub type_slug: String,
    /// The type's printed name, e.g. 居民身份证, for a slug the UI does not know.
    pub type_name: String,
    /// The holder's (or company's) name.
    pub holder_name: Option<String>,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day; `None` for long-term.
    pub valid_until: Option<String>,
    /// Whole days from today to the end of validity (negative once expired).
    pub days_left: Option<i64>,
    /// The status badge.
    pub badge: StatusBadge,
    /// Whether the card can no longer be shown (expired, revoked, cancelled, replaced,
    /// suspended, or failing its check): the wallet greys it and groups it after the valid ones.
    pub inactive: bool,
    /// For a replaced card, the first valid day of the certificate that replaced it.
    pub replaced_on: Option<String>,
}

/// A value of an attribute, as the UI shows it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ValueView {
    /// Text.
    Text {
        /// The text.
        text: String,
    },
    /// A date, `YYYY-MM-DD`.
    Date {
        /// The date.
        date: String,
    },
    /// A yes/no fact.
    Bool {
        /// The fact.
        value: bool,
    },
    /// A whole number.
    Integer {
        /// The number.
        value: i64,
    },
    /// A JPEG picture (the photo thumbnail rebuilt as a complete JPEG).
    Jpeg {
        /// The JPEG file.
        bytes: Vec<u8>,
    },
    /// Other bytes, shown by their length only.
    Bytes {
        /// How many.
        len: usize,
    },
    /// A code of a national standard (民族 `01`) with its name in each language the app speaks:
    /// the UI shows the name in the user's language, never the bare code. (The three names are
    /// fields of the variant, not a struct of their own: every type the UI deserialises costs
    /// wasm, and this shape measured the smallest.)
    Coded {
        /// The code, as the issuer signed it.
        code: String,
        /// Its name in 简体中文.
        zh_hans: String,
        /// Its name in 繁體中文.
        zh_hant: String,
        /// Its name in English.
        en: String,
    },
    /// A code the app has no name for: the UI shows the code itself, marked as unknown.
    UnknownCode {
        /// The code, as the issuer signed it.
        code: String,
    },
    /// A number shown masked (`1101**********002X`) until the holder asks to see it whole: the
    /// identity numbers on the holder's own detail screen, which others may see over a shoulder.
    Masked {
        /// What is shown at first.
        masked: String,
        /// The whole number, shown when asked.
        full: String,
    },
}

impl fmt::Debug for ValueView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ValueView([redacted])")
    }
}

/// One attribute: its name (the UI translates it) and value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributeView {
    /// The attribute's name, e.g. `name`, `birth_date`.
    pub name: String,
    /// Its value.
    pub value: ValueView,
}

/// The overall answer of a verification, as a colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeView {
    /// Green.
    Valid,
    /// Amber: what could be checked passed, something could not be checked.
    Warning,
    /// Red.
    Invalid,
}

/// One finding of a verification; the UI turns it into a sentence. Never personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ReasonView {
    /// No QR code could be read in the picture.
    NoQrCode,
    /// A QR code, but not a Shimin presentation.
    NotAShiminCode,
    /// A Shimin code whose content cannot be read (damaged, too large, unknown version).
    Malformed,
    /// The issuer's key is not on the trust list.
    UnknownIssuer,
    /// The issuer's signature does not verify: forged or altered.
    BadIssuerSignature,
    /// The issuer may not issue this certificate (type, department or key period).
    IssuerNotAllowed,
    /// Not valid yet.
    NotYetValid {
        /// First valid day.
        from: String,
    },
    /// Expired.
    Expired {
        /// The day validity ended.
        on: String,
    },
    /// Revoked by the issuer.
    Revoked {
        /// Age of the status list that says so, seconds.
        list_age_seconds: u64,
    },
    /// Suspended by the issuer (or an unknown status, treated alike).
    Suspended {
        /// Age of the status list that says so, seconds.
        list_age_seconds: u64,
    },
    /// Revocation could not be checked offline: no cached status list covers it.
    StatusNotCheckable,
    /// The cached status list is past its expiry.
    StatusListStale {
        /// Its age, seconds.
        age_seconds: u64,
    },
    /// The cached trust list is past its expiry.
    TrustListStale {
        /// Its age, seconds.
        age_seconds: u64,
    },
    /// No trust list is cached on this device: nothing can be checked offline.
    NoTrustList,
    /// A disclosed attribute does not match what the issuer signed.
    AttributeTampered {
        /// The attribute's name.
        attribute: String,
    },
    /// No device signature: it does not show that the holder is present.
    DeviceSignatureMissing,
    /// The device signature does not verify.
    DeviceSignatureBad,
    /// The code was made too long ago (a screenshot) or the clocks disagree.
    ExpiredScreenshot {
        /// `now - signed_at`, seconds.
        skew_seconds: i64,
    },
    /// This very code was already accepted here moments ago: a screenshot passed on, or the
    /// same screen scanned twice. Ask for a fresh code.
    SeenBefore,
    /// In the two-way mode, the code does not answer this verifier's request.
    NotThisRequest,
}

/// How old a cached list is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAgeView {
    /// Seconds since it was fetched.
    pub age_seconds: u64,
    /// Past its refresh time.
    pub refresh_due: bool,
    /// Past its expiry.
    pub stale: bool,
}

/// The result of checking a certificate or a presentation against the cached lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckView {
    /// Green, amber or red.
    pub outcome: OutcomeView,
    /// Every finding; empty when valid.
    pub reasons: Vec<ReasonView>,
    /// The cached trust list's age, if one is cached.
    pub trust_list: Option<ListAgeView>,
    /// The cached status list's age, if one covers the certificate.
    pub status_list: Option<ListAgeView>,
}

/// One stored version of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionView {
    /// The identifier of this version.
    pub id: String,
    /// The version number (0 for the first issue).
    pub version: u16,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day; `None` for long-term.
    pub valid_until: Option<String>,
    /// Whether this is the current version.
    pub current: bool,
    /// When it was put in the wallet.
    pub imported_at: String,
}

/// Everything about one certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateDetailView {
    /// What the card shows.
    pub card: CertificateCardView,
    /// Every attribute, in the issuer's order.
    pub attributes: Vec<AttributeView>,
    /// The issuing department's name, from the trust list (or the certificate's own field).
    pub issuer_name: Option<String>,
    /// The issuing department's credit code.
    pub issuer_code: String,
    /// The check against the cached lists, as a verifier would see it now.
    pub check: CheckView,
    /// Every stored version, newest first.
    pub versions: Vec<VersionView>,
    /// The ways this certificate can be shown, each with what it would disclose of it (a preset
    /// the certificate cannot satisfy is left out; a photo-less certificate shows none).
    #[serde(default)]
    pub presets: Vec<PresetOptionView>,
}

/// One way to show a certificate (亮证's chips), with what it discloses of that certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresetOptionView {
    /// The preset.
    pub preset: PresetView,
    /// The names of the attributes it would disclose, in order.
    pub disclosed: Vec<String>,
}

/// What to disclose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PresetView {
    /// Name, masked ID number and photo.
    Identity,
    /// Only "age ≥ 18".
    #[serde(rename = "age_over_18")]
    AgeOver18,
    /// Every attribute.
    Full,
}

/// Arguments of presenting a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentRequest {
    /// The certificate.
    pub id: String,
    /// What to disclose.
    pub preset: PresetView,
    /// A redraw of a code already on screen (every 30 s): not logged again.
    pub refresh: bool,
}

/// A signed presentation, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentationView {
    /// The QR code as an SVG document.
    pub qr_svg: String,
    /// The QR version (size class), 1–40.
    pub qr_version: u8,
    /// Seconds until the code should be redrawn.
    pub refresh_in_secs: u64,
    /// The names of the disclosed attributes, in order.
    pub disclosed: Vec<String>,
}

/// One frame of the computer's camera while scanning: what it shows and, when a code is in
/// it, what the code is. `Debug` shows neither.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanFrameView {
    /// The frame, for the screen to show.
    pub preview: JpegPreview,
    /// The code in the frame; `None` while no code is in view (keep scanning).
    pub scanned: Option<ScannedView>,
}

/// What a scanned code turned out to be: someone's presentation (the verdict on it), or a
/// verifier's request that this wallet show something (two-way mode).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "view", rename_all = "snake_case")]
pub enum ScannedView {
    /// A presentation, verified: in request mode, as the answer to this verifier's request.
    Verdict(VerdictView),
    /// A verifier's request, for the holder to agree to or refuse.
    Request(RequestView),
}

/// Arguments of asking the holder in front of this verifier to show something (two-way mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskRequest {
    /// What to ask for.
    pub preset: PresetView,
}

/// Arguments of letting go of the request this verifier shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StopAskingRequest {
    /// The request's short code ([`AskView::code`]): a screen letting go late of a request it
    /// showed earlier does not let go of the one shown now.
    pub code: String,
}

/// The request this verifier shows: the holder scans it and answers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AskView {
    /// The request's QR code as an SVG document.
    pub qr_svg: String,
    /// The request's short code, `XXXX-XXXX`, which the holder's screen shows too.
    pub code: String,
    /// What it asks for.
    pub preset: PresetView,
}

/// A verifier's request as the holder sees it before agreeing: who asks (the request's code,
/// the same on the verifier's screen), what, and exactly what each certificate that can answer
/// would show. Nothing is signed or shown yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestView {
    /// The request's text as scanned (`SMQ1:`…), handed back to answer it.
    pub text: String,
    /// The request's short code, `XXXX-XXXX`.
    pub code: String,
    /// What it asks for.
    pub preset: PresetView,
    /// When the verifier drew it, `YYYY-MM-DD HH:MM`.
    pub asked_at: String,
    /// The wallet's current certificates that can answer, soonest expiry first; empty when
    /// none can.
    pub choices: Vec<AnswerChoiceView>,
}

/// One certificate that can answer a request, and exactly what answering with it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerChoiceView {
    /// The certificate.
    pub id: String,
    /// The type's slug.
    pub type_slug: String,
    /// The type's printed name.
    pub type_name: String,
    /// The names of the attributes the answer would disclose, in order.
    pub disclosed: Vec<String>,
}

/// Arguments of answering a verifier's request, once the holder agreed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerRequest {
    /// The request's text as scanned (`SMQ1:`…).
    pub request: String,
    /// The certificate to answer with.
    pub id: String,
}

impl fmt::Debug for ScanFrameView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScanFrameView").finish_non_exhaustive()
    }
}

/// The certificate a presentation is about, once its issuer signature verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PresentedCertificateView {
    /// The type's slug.
    pub type_slug: String,
    /// The type's printed name.
    pub type_name: String,
    /// The identifier.
    pub identifier: String,
    /// The issuing department, from the trust list.
    pub issuer_name: String,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day; `None` for long-term.
    pub valid_until: Option<String>,
}

/// The verifier's verdict on a presentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerdictView {
    /// Outcome, reasons and list ages.
    pub check: CheckView,
    /// The certificate, when its issuer signature verified.
    pub certificate: Option<PresentedCertificateView>,
    /// The disclosed attributes whose digests matched.
    pub attributes: Vec<AttributeView>,
    /// When the holder's device signed it.
    pub signed_at: Option<String>,
}

/// One presentation in the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntryView {
    /// The time of day, `HH:MM` (China Standard Time); the day is its [`HistoryDayView`]'s.
    pub time: String,
    /// The certificate shown.
    pub certificate_id: String,
    /// Its type's slug, if the type is known.
    pub type_slug: Option<String>,
    /// The preset, e.g. `identity`.
    pub preset: String,
    /// The disclosed attribute names.
    pub disclosed: Vec<String>,
    /// To whom.
    pub recipient: RecipientView,
    /// How many times in a row, within minutes, the same was shown to the same (1 for once).
    pub times: u32,
}

/// To whom a presentation went, for the history to say in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecipientView {
    /// Whoever scanned the code on screen.
    Scanned,
    /// A verifier's request, answered; its short code.
    Request {
        /// `XXXX-XXXX`.
        code: String,
    },
    /// A department to which the holder confirmed their identity.
    Case {
        /// The department's name.
        department: String,
    },
}

/// Which day a group of the history is, said plainly when it is near.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayView {
    /// 今天.
    Today,
    /// 昨天.
    Yesterday,
    /// Another day: the date is shown.
    Earlier,
}

/// One day of the history (China Standard Time), newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryDayView {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Today, yesterday or earlier.
    pub day: DayView,
    /// The day's entries, newest first.
    pub entries: Vec<HistoryEntryView>,
}

/// Where the log was exported: the file's name only (never a directory, which says nothing to
/// the user and something about the device), or nothing when the user cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum ExportView {
    /// Written.
    Saved {
        /// The file's name, e.g. `市民通出示记录-2025-06-01.jsonl`.
        file_name: String,
        /// How many presentations it holds.
        lines: usize,
    },
    /// The user closed the save dialog: nothing written.
    Cancelled,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wallet_views_have_a_stable_json_shape() {
        let reason = ReasonView::Revoked { list_age_seconds: 60 };
        assert_eq!(
            serde_json::to_string(&reason).expect("json"),
            r#"{"reason":"revoked","list_age_seconds":60}"#
        );
        assert_eq!(serde_json::to_string(&StatusBadge::ExpiringSoon).expect("json"), r#""expiring_soon""#);
        assert_eq!(serde_json::to_string(&PresetView::AgeOver18).expect("json"), r#""age_over_18""#);
        let value = ValueView::Date { date: "2024-06-01".into() };
        assert_eq!(serde_json::to_string(&value).expect("json"), r#"{"type":"date","date":"2024-06-01"}"#);
        let value = ValueView::Coded {
            code: "01".into(),
            zh_hans: "汉族".into(),
            zh_hant: "漢族".into(),
            en: "Han".into(),
        };
        assert_eq!(
            serde_json::to_string(&value).expect("json"),
            r#"{"type":"coded","code":"01","zh_hans":"汉族","zh_hant":"漢族","en":"Han"}"#
        );
        let value = ValueView::UnknownCode { code: "77".into() };
        assert_eq!(serde_json::to_string(&value).expect("json"), r#"{"type":"unknown_code","code":"77"}"#);
    }

    #[test]
    fn debug_hides_pins_and_values() {
        let printed = format!(
            "{:?} {:?} {:?}",
            PinRequest { pin: "135790".into() },
            ValueView::Text { text: "张三".into() },
            Pin::parse("135790").expect("a PIN")
        );
        assert!(!printed.contains("135790") && !printed.contains("张三"), "{printed}");
        let value = ValueView::Coded {
            code: "01".into(),
            zh_hans: "汉族".into(),
            zh_hant: "漢族".into(),
            en: "Han".into(),
        };
        let printed = format!("{value:?}");
        assert!(
            !printed.contains("01") && !printed.contains("汉族") && !printed.contains("Han"),
            "{printed}"
        );
    }

    #[test]
    fn a_pin_is_six_ascii_digits() {
        assert_eq!(Pin::parse("123456").expect("six digits").as_str(), "123456");
        assert_eq!(PinRequest::from(&Pin::parse("024680").expect("six digits")).pin, "024680");
        for short_or_long in ["", "12345", "1234567", " 123456"] {
            assert_eq!(Pin::parse(short_or_long), Err(PinError::WrongLength), "{short_or_long:?}");
        }
        for not_digits in ["12345a", "12 456", "１２３４５６", "-12345"] {
            assert_eq!(Pin::parse(not_digits), Err(PinError::NotADigit), "{not_digits:?}");
        }
    }

    #[test]
    fn settings_keep_their_json_and_refuse_what_the_app_does_not_offer() {
        let english = SettingsView {
            language: Language::En,
            auto_lock: AutoLock::TenMinutes,
            wipe_after_wrong_pins: true,
            elder_mode: true,
            voice_guidance: None,
        };
        let json = serde_json::to_value(english).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"language": "en", "auto_lock_minutes": 10, "wipe_after_wrong_pins": true, "elder_mode": true})
        );
        assert_eq!(serde_json::from_value::<SettingsView>(json).expect("parse"), english);
        assert_eq!(
            serde_json::to_value(SettingsView::default()).expect("json"),
            serde_json::json!({"language": "zh-Hans", "auto_lock_minutes": 5, "wipe_after_wrong_pins": true, "elder_mode": false})
        );
        // A settings file from before the choices existed keeps the wipe on and the standard mode.
        let old: SettingsView =
            serde_json::from_value(serde_json::json!({"language": "en", "auto_lock_minutes": 10}))
                .expect("parse");
        assert!(old.wipe_after_wrong_pins);
        assert!(!old.elder_mode);
        assert!(!old.speaks(), "no voice in the standard mode unless chosen");
        // The voice follows elder mode until chosen, and a choice is kept either way.
        assert!(SettingsView { elder_mode: true, ..old }.speaks());
        let quiet_elder = SettingsView { elder_mode: true, voice_guidance: Some(false), ..old };
        assert!(!quiet_elder.speaks());
        let json = serde_json::to_value(quiet_elder).expect("json");
        assert_eq!(json["voice_guidance"], serde_json::Value::Bool(false));
        assert_eq!(serde_json::from_value::<SettingsView>(json).expect("parse"), quiet_elder);
        assert!(SettingsView { voice_guidance: Some(true), ..old }.speaks());
        let tags: Vec<&str> = Language::ALL.into_iter().map(Language::tag).collect();
        assert_eq!(tags, ["zh-Hans", "zh-Hant", "en"]);
        let minutes: Vec<u32> = AutoLock::ALL.into_iter().map(u32::from).collect();
        assert_eq!(minutes, [0, 1, 2, 5, 10, 30]);
        for bad in [
            serde_json::json!({"language": "fr", "auto_lock_minutes": 5}),
            serde_json::json!({"language": "en", "auto_lock_minutes": 7}),
            serde_json::json!({"language": "EN", "auto_lock_minutes": 5}),
        ] {
            assert!(serde_json::from_value::<SettingsView>(bad.clone()).is_err(), "{bad}");
        }
    }
}
