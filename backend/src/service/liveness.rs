//! Identity proofing by the face (issue 5): liveness challenges, their one-time answers and the
//! decision, for two purposes — a new device enrols by proving its holder is the citizen it names
//! (instead of an enrolment code), and a party of a company registration case confirms it.
//!
//! A challenge is a row in `liveness_check`: the citizen, the key that must sign the frame
//! batches, a fresh nonce, actions in a random order and a time limit. The device is told the
//! nonce, the time limit and how many actions it will be asked for, never which: the server
//! reveals each in turn as it paces the check (`paced.rs`, the only way a check is answered). Issuing one counts against a
//! daily limit, atomically in the store: a case check (asked for by the citizen's own enrolled
//! device) against the citizen's own ([`super::Config::liveness_attempts_per_day`]), an
//! enrolment check (asked for by anyone, without logging in) against the ID number's enrolment
//! limit ([`super::Config::liveness_enrolment_attempts_per_day`]) and, before anything is looked
//! up, against the asking source's ([`super::Config::liveness_source_attempts_per_day`]): a
//! stranger can spend an ID number's enrolment attempts, never the citizen's own. The enrolment
//! route answers an unknown number, a number without a registry photo and one whose attempts
//! are used up alike, so that it tells no one who is registered. A passed check enrols its
//! device (`enrol_checked_device`) or confirms its citizen's roles in the case
//! (`confirm_checked_case`).

use std::net::IpAddr;

use shimin_core::crypto::{PublicKeyKind, VerifyingKey};
use shimin_core::liveness::{Action, Challenge};
use shimin_wire::backend::{
    CasePartyView, CaseView, DeclineReasonView, IdentityRequestView, LivenessChallengeResponse,
    LivenessEnrolmentRequest, MatterView, OpenCaseRequest, PartyRoleView, RequestStateView, SharedDataView,
};

use super::issuance::{parse_id_number, require_issuer};
use super::{Backend, ServiceError, b64, random, unb64};
use crate::store::{
    CaseRecord, CompanyRecord, DeclineReason, DeviceRecord, EnrolmentGrant, LivenessCheckRecord,
    LivenessOutcome, LivenessPurpose, PartyRecord, PartyRole, StaffRecord, StoreError,
};

/// The window of the daily attempt limit, ms.
const ATTEMPT_WINDOW_MS: i64 = 86_400_000;
/// Longest company name accepted, characters.
const MAX_COMPANY_NAME: usize = 100;
/// Most parties in one case.
const MAX_PARTIES: usize = 50;
/// How long a party has to answer an identity request after the case is opened, seconds: seven
/// calendar days (issue 20, decision D2). Past it, no check is opened; a refusal still reaches
/// the registrar.
pub const CASE_RESPONSE_SECS: i64 = 7 * 86_400;
/// What the department receives when a party confirms: never the photo or the frames.
const SHARED_ON_CONFIRM: [SharedDataView; 3] =
    [SharedDataView::Name, SharedDataView::IdNumber, SharedDataView::FaceCheckResult];
/// The certificate type whose department registers companies.
const REGISTRAR_TYPE: &str = "business-licence";

/// The one answer of the enrolment route to an ID number that cannot enrol by the face now:
/// unknown, without a registry photo, or with its enrolment attempts used up.
const NOT_OFFERED: &str = "enrolment by the face is not available for this ID number; use an enrolment code";

/// The source an unauthenticated ask is counted against: the IPv4 address, or the /64 network
/// of an IPv6 address (one subscriber's usual allocation, so a host cannot escape its limit by
/// walking its own addresses). An IPv4 address mapped into IPv6 counts as the IPv4 address.
pub fn source_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// A P-256 device key from base64url SEC1.
///
/// # Errors
/// 400 when it is not one.
pub fn parse_device_key(b64_key: &str) -> Result<VerifyingKey, ServiceError> {
    let bytes = unb64(b64_key, "public key is not base64url")?;
    let key = VerifyingKey::p256_from_sec1(&bytes)
        .map_err(|_| ServiceError::BadInput("public key is not a P-256 SEC1 point"))?;
    if key.kind() != PublicKeyKind::EcP256 {
        return Err(ServiceError::BadInput("public key is not a P-256 SEC1 point"));
    }
    Ok(key)
}

/// A device label as given: at most 64 characters.
///
/// # Errors
/// 400 when longer.
pub fn parse_label(label: &str) -> Result<&str, ServiceError> {
    if label.chars().count() > 64 {
        return Err(ServiceError::BadInput("label longer than 64 characters"));
    }
    Ok(label)
}

fn role_view(role: PartyRole) -> PartyRoleView {
    match role {
        PartyRole::LegalRepresentative => PartyRoleView::LegalRepresentative,
        PartyRole::Shareholder => PartyRoleView::Shareholder,
        PartyRole::Supervisor => PartyRoleView::Supervisor,
    }
}

fn reason_view(reason: DeclineReason) -> DeclineReasonView {
    match reason {
        DeclineReason::Refused => DeclineReasonView::Refused,
        DeclineReason::NotMe => DeclineReasonView::NotMe,
    }
}

fn reason_of(view: DeclineReasonView) -> DeclineReason {
    match view {
        DeclineReasonView::Refused => DeclineReason::Refused,
        DeclineReasonView::NotMe => DeclineReason::NotMe,
    }
}

/// Where a citizen's answer to a case stands at `now` (seconds): the refusal or the
/// confirmation once given, otherwise pending until the case's answer is due.
fn request_state(mine: &[&PartyRecord], respond_by: i64, now: i64) -> RequestStateView {
    if mine.iter().any(|p| p.declined.is_some()) {
        RequestStateView::Declined
    } else if !mine.is_empty() && mine.iter().all(|p| p.confirmed_at.is_some()) {
        RequestStateView::Confirmed
    } else if now > respond_by {
        RequestStateView::Expired
    } else {
        RequestStateView::Pending
    }
}

fn role_of(view: PartyRoleView) -> PartyRole {
    match view {
        PartyRoleView::LegalRepresentative => PartyRole::LegalRepresentative,
        PartyRoleView::Shareholder => PartyRole::Shareholder,
        PartyRoleView::Supervisor => PartyRole::Supervisor,
    }
}

/// The stored challenge of a check.
pub(super) fn challenge_of(check: &LivenessCheckRecord) -> Result<Challenge, ServiceError> {
    let actions = check
        .actions
        .split(',')
        .map(|name| Action::parse(name).ok_or(StoreError::Corrupt("liveness check actions")))
        .collect::<Result<Vec<_>, _>>()?;
    let time_limit = u64::try_from(check.time_limit_ms).map_err(|_| StoreError::Corrupt("time limit"))?;
    Ok(Challenge::new(check.nonce.clone(), actions, time_limit)
        .map_err(|_| StoreError::Corrupt("liveness check challenge"))?)
}

impl Backend {
    /// Issues a challenge for `citizen` answered with `device_key`, within the daily limit of
    /// `max_attempts` checks for this purpose; `None` when that is reached.
    #[allow(clippy::too_many_arguments)] // One call per purpose, each naming every part.
    async fn issue_liveness_check(
        &self,
        citizen: &str,
        purpose: LivenessPurpose,
        device_id: Option<i64>,
        device_key: &VerifyingKey,
        label: &str,
        max_attempts: i64,
        now_ms: i64,
    ) -> Result<Option<LivenessChallengeResponse>, ServiceError> {
        let config = &self.config;
        let challenge = Challenge::random_from(
            &config.liveness_actions,
            config.liveness_action_count,
            config.liveness_time_limit_ms,
        )
        .map_err(|_| ServiceError::Signing("liveness challenge"))?;
        // 16 random bytes from the core, and 16 more: a nonce is never reused.
        let mut nonce = challenge.nonce().to_vec();
        nonce.extend_from_slice(&random::<16>()?);
        let challenge = Challenge::new(nonce, challenge.actions().to_vec(), challenge.time_limit_ms())
            .map_err(|_| ServiceError::Signing("liveness challenge"))?;
        let names: Vec<&str> = challenge.actions().iter().map(|a| a.as_str()).collect();
        let time_limit_ms = i64::try_from(challenge.time_limit_ms()).unwrap_or(i64::MAX);
        let record = LivenessCheckRecord {
            id: 0,
            citizen_id_number: citizen.to_owned(),
            purpose,
            device_id,
            device_key: device_key.as_bytes().to_vec(),
            device_label: label.to_owned(),
            nonce: challenge.nonce().to_vec(),
            actions: names.join(","),
            time_limit_ms,
            issued_at_ms: now_ms,
            answered_at: None,
            passed: None,
        };
        let Some(check_id) =
            self.store.insert_liveness_check(record, now_ms - ATTEMPT_WINDOW_MS, max_attempts).await?
        else {
            return Ok(None);
        };
        // The actions stay in the check's row: the device learns each only when it is asked.
        let steps = u8::try_from(challenge.actions().len())
            .map_err(|_| ServiceError::Signing("liveness challenge"))?;
        Ok(Some(LivenessChallengeResponse {
            check_id,
            nonce_b64: b64(challenge.nonce()),
            steps,
            time_limit_ms: challenge.time_limit_ms(),
            answer_by: (now_ms + time_limit_ms) / 1000,
        }))
    }

    /// A liveness challenge for enrolling a new device of the citizen named, asked for without
    /// logging in from `source`.
    ///
    /// # Errors
    /// 400 bad ID number, key or label; 429 `too_many_requests` (the source's asks for the day
    /// are used up); 422 `no_registry_photo`, one answer for a number that cannot enrol by the
    /// face now — unknown, without a registry photo, or its enrolment attempts used up.
    pub async fn liveness_enrolment_challenge(
        &self,
        request: LivenessEnrolmentRequest,
        source: IpAddr,
        now_ms: i64,
    ) -> Result<LivenessChallengeResponse, ServiceError> {
        let id = parse_id_number(&request.id_number)?;
        let key = parse_device_key(&request.public_key_b64)?;
        let label = parse_label(&request.label)?;
        let config = &self.config;
        // Counted before anything is looked up, so that every number asked about costs alike.
        let since = now_ms - ATTEMPT_WINDOW_MS;
        let source = source_of(source);
        if !self
            .store
            .spend_source_attempt(&source, since, now_ms, config.liveness_source_attempts_per_day)
            .await?
        {
            return Err(ServiceError::TooManyRequests);
        }
        let not_offered = ServiceError::NoRegistryPhoto(NOT_OFFERED);
        match self.store.citizen(id.as_str()).await? {
            Some(citizen) if citizen.photo.is_some() => {}
            _ => return Err(not_offered),
        }
        let max = config.liveness_enrolment_attempts_per_day;
        self.issue_liveness_check(id.as_str(), LivenessPurpose::Enrolment, None, &key, label, max, now_ms)
            .await?
            .ok_or(not_offered)
    }

    /// Registers the device of an enrolment check that passed, as an enrolment code would
    /// ([`Backend::enrol_new_device`]): a random id, a copy of every current certificate and a
    /// notice to the citizen's other devices, stored with the check's outcome in one
    /// transaction.
    pub(super) async fn enrol_checked_device(
        &self,
        check: &LivenessCheckRecord,
        now_ms: i64,
    ) -> Result<DeviceRecord, ServiceError> {
        let key = VerifyingKey::p256_from_sec1(&check.device_key)
            .map_err(|_| StoreError::Corrupt("liveness check key"))?;
        let grant = EnrolmentGrant::LivenessCheck(check.id);
        self.enrol_new_device(
            grant,
            &check.citizen_id_number,
            &key,
            check.device_label.clone(),
            now_ms / 1000,
        )
        .await?
        // Its outcome was recorded meanwhile (a stopped stream let go and failed).
        .ok_or(ServiceError::AlreadyAnswered)
    }

    /// The open cases naming the device's citizen, at `now` (seconds): the identity requests
    /// their app shows, each with who asks, for what, what would be shared, by when, and where
    /// the citizen's answer stands.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn identity_requests(
        &self,
        device: &DeviceRecord,
        now: i64,
    ) -> Result<Vec<IdentityRequestView>, ServiceError> {
        let mut views = Vec::new();
        for case in self.store.open_cases_of(&device.citizen_id_number).await? {
            views.push(self.request_view(&case, &device.citizen_id_number, now).await?);
        }
        Ok(views)
    }

    /// Case `case` as the identity request of `citizen` at `now`.
    async fn request_view(
        &self,
        case: &CaseRecord,
        citizen: &str,
        now: i64,
    ) -> Result<IdentityRequestView, ServiceError> {
        let department = self.store.department(&case.department_code).await?;
        let mine: Vec<&PartyRecord> = case.parties.iter().filter(|p| p.id_number == citizen).collect();
        // A case for a registered credit code changes that company; any other registers one.
        let registered = match &case.credit_code {
            Some(code) => self.store.company(code).await?.is_some(),
            None => false,
        };
        let respond_by = case.created_at + CASE_RESPONSE_SECS;
        let declined = mine.iter().find_map(|p| p.declined);
        Ok(IdentityRequestView {
            case_id: case.id,
            company_name: case.company_name.clone(),
            department_name: department.map(|d| d.name).unwrap_or_default(),
            roles: mine.iter().map(|p| role_view(p.role)).collect(),
            created_at: case.created_at,
            matter: if registered { MatterView::CompanyChange } else { MatterView::CompanyEstablishment },
            shared: SHARED_ON_CONFIRM.to_vec(),
            respond_by,
            state: request_state(&mine, respond_by, now),
            confirmed_at: mine.iter().filter_map(|p| p.confirmed_at).min(),
            declined_at: declined.map(|d| d.at),
            decline_reason: declined.map(|d| reason_view(d.reason)),
        })
    }

    /// The open case `case_id` if it names `citizen`.
    ///
    /// # Errors
    /// 404 otherwise: another's case and a closed one look alike.
    async fn case_of_party(&self, citizen: &str, case_id: i64) -> Result<CaseRecord, ServiceError> {
        self.store
            .case(case_id)
            .await?
            .filter(|c| c.proceeded_at.is_none() && c.parties.iter().any(|p| p.id_number == citizen))
            .ok_or(ServiceError::NotFound("case"))
    }

    /// The device's citizen declines to confirm case `case_id` (in every role of theirs) for
    /// `reason`, at `now` (seconds); the registrar sees the refusal and its reason. A refusal is
    /// accepted after the answer was due too: "not me" must always reach the registrar.
    ///
    /// # Errors
    /// 404 a case that does not name the citizen or is closed; 409 `already_confirmed` or
    /// `already_declined`.
    pub async fn decline_case(
        &self,
        device: &DeviceRecord,
        case_id: i64,
        reason: DeclineReasonView,
        now: i64,
    ) -> Result<IdentityRequestView, ServiceError> {
        let citizen = &device.citizen_id_number;
        let case = self.case_of_party(citizen, case_id).await?;
        answerable(&case, citizen)?;
        if !self.store.decline_case(case_id, citizen, reason_of(reason), now).await? {
            // Answered or closed meanwhile: say which.
            let case = self.case_of_party(citizen, case_id).await?;
            answerable(&case, citizen)?;
            return Err(ServiceError::Conflict("the case changed; reload it"));
        }
        let case = self.case_of_party(citizen, case_id).await?;
        self.request_view(&case, citizen, now).await
    }

    /// A liveness challenge for the device's citizen to confirm case `case_id`.
    ///
    /// # Errors
    /// 404 a case that does not name the citizen or is closed; 409 `already_confirmed` or
    /// `already_declined`; 410 `request_expired`; 422 `no_registry_photo`; 429
    /// `attempts_exhausted`.
    pub async fn case_challenge(
        &self,
        device: &DeviceRecord,
        case_id: i64,
        now_ms: i64,
    ) -> Result<LivenessChallengeResponse, ServiceError> {
        let citizen = &device.citizen_id_number;
        let case = self.case_of_party(citizen, case_id).await?;
        answerable(&case, citizen)?;
        if now_ms / 1000 > case.created_at + CASE_RESPONSE_SECS {
            return Err(ServiceError::RequestExpired);
        }
        let person = self.store.citizen(citizen).await?.ok_or(ServiceError::UnknownCitizen)?;
        if person.photo.is_none() {
            return Err(ServiceError::NoRegistryPhoto("no registry photo to compare with"));
        }
        let key = VerifyingKey::p256_from_sec1(&device.public_key)
            .map_err(|_| ServiceError::Signing("device key"))?;
        self.issue_liveness_check(
            citizen,
            LivenessPurpose::Case(case.id),
            Some(device.id),
            &key,
            &device.label,
            self.config.liveness_attempts_per_day,
            now_ms,
        )
        .await?
        .ok_or(ServiceError::AttemptsExhausted)
    }

    /// Confirms the citizen's roles in the case of a case check that passed.
    pub(super) async fn confirm_checked_case(
        &self,
        check: &LivenessCheckRecord,
        now_ms: i64,
    ) -> Result<(), ServiceError> {
        let LivenessPurpose::Case(case_id) = check.purpose else {
            return Err(ServiceError::NotFound("liveness check"));
        };
        let outcome = LivenessOutcome::Confirmed {
            case_id,
            id_number: check.citizen_id_number.clone(),
            at: now_ms / 1000,
        };
        self.store.record_liveness_outcome(check.id, outcome).await?;
        Ok(())
    }

    /// The department's registrar opens a company registration case.
    ///
    /// # Errors
    /// 403 a department that does not register companies; 400 bad name, credit code, ID number
    /// or parties (exactly one legal representative, at most one supervisor, no one twice in a
    /// role); 404 a party not in the registry.
    pub async fn open_case(
        &self,
        staff: &StaffRecord,
        request: OpenCaseRequest,
        now: i64,
    ) -> Result<CaseView, ServiceError> {
        self.registrar(staff).await?;
        let name = request.company_name.trim();
        if name.is_empty() || name.chars().count() > MAX_COMPANY_NAME {
            return Err(ServiceError::BadInput("company name must be 1 to 100 characters"));
        }
        let credit_code = match request.credit_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(code) => Some(
                shimin_core::cert::CreditCode::parse(code)
                    .map_err(|_| ServiceError::BadInput("invalid credit code"))?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        if request.parties.is_empty() || request.parties.len() > MAX_PARTIES {
            return Err(ServiceError::BadInput("a case names 1 to 50 parties"));
        }
        let mut parties: Vec<PartyRecord> = Vec::with_capacity(request.parties.len());
        for party in &request.parties {
            let id = parse_id_number(&party.id_number)?;
            let role = role_of(party.role);
            if parties.iter().any(|p| p.id_number == id.as_str() && p.role == role) {
                return Err(ServiceError::BadInput("a party is named twice in one role"));
            }
            if self.store.citizen(id.as_str()).await?.is_none() {
                return Err(ServiceError::NotFound("party"));
            }
            parties.push(PartyRecord {
                id_number: id.as_str().to_owned(),
                role,
                confirmed_at: None,
                declined: None,
            });
        }
        // A registered credit code is not registered again: only a change case, which names the
        // current representatives so that they confirm it too, is opened for it.
        let current = match &credit_code {
            Some(code) => self.store.company(code).await?,
            None => None,
        };
        if current.is_some_and(|c| !names_representatives(&parties, &c)) {
            return Err(ServiceError::Conflict(
                "the credit code is registered: a change case names its current representatives",
            ));
        }
        let count = |role| parties.iter().filter(|p| p.role == role).count();
        if count(PartyRole::LegalRepresentative) != 1 {
            return Err(ServiceError::BadInput("a case names exactly one legal representative"));
        }
        if count(PartyRole::Supervisor) > 1 {
            return Err(ServiceError::BadInput("a case names at most one supervisor"));
        }
        let case = CaseRecord {
            id: 0,
            department_code: staff.department_code.clone(),
            company_name: name.to_owned(),
            credit_code,
            created_by: staff.id,
            created_at: now,
            proceeded_at: None,
            parties,
        };
        let id = self.store.insert_case(case).await?;
        self.case_for_staff(staff, id).await
    }

    /// A case of the staff member's department.
    ///
    /// # Errors
    /// 404 for another department's case.
    pub async fn case_for_staff(&self, staff: &StaffRecord, id: i64) -> Result<CaseView, ServiceError> {
        let case = self.department_case(staff, id).await?;
        let mut parties = Vec::with_capacity(case.parties.len());
        for p in &case.parties {
            let name = self.store.citizen(&p.id_number).await?.map(|c| c.name).unwrap_or_default();
            parties.push(CasePartyView {
                id_number: p.id_number.clone(),
                name,
                role: role_view(p.role),
                confirmed_at: p.confirmed_at,
                declined_at: p.declined.map(|d| d.at),
                decline_reason: p.declined.map(|d| reason_view(d.reason)),
            });
        }
        Ok(CaseView {
            id: case.id,
            company_name: case.company_name.clone(),
            credit_code: case.credit_code.clone(),
            created_at: case.created_at,
            all_confirmed: case.all_confirmed(),
            declined: case.parties.iter().any(|p| p.declined.is_some()),
            parties,
            proceeded_at: case.proceeded_at,
        })
    }

    /// The registrar proceeds with a case whose parties have all confirmed; a case with a credit
    /// code enters the company (legal representative, supervisor, shareholders) in the registry.
    ///
    /// # Errors
    /// 403 a reviewer; 404 another department's case; 409 a party has not confirmed, or the case
    /// was proceeded with already.
    pub async fn proceed_case(
        &self,
        staff: &StaffRecord,
        id: i64,
        now: i64,
    ) -> Result<CaseView, ServiceError> {
        require_issuer(staff)?;
        let case = self.department_case(staff, id).await?;
        if case.proceeded_at.is_some() {
            return Err(ServiceError::Conflict("the case was proceeded with already"));
        }
        if !case.all_confirmed() {
            return Err(ServiceError::Conflict("not every party has confirmed"));
        }
        if let Some(code) = &case.credit_code {
            let of = |role| case.parties.iter().filter(move |p| p.role == role).map(|p| p.id_number.clone());
            let legal_representative =
                of(PartyRole::LegalRepresentative).next().ok_or(StoreError::Corrupt("case parties"))?;
            let company = CompanyRecord {
                credit_code: code.clone(),
                name: case.company_name.clone(),
                legal_representative,
                supervisor: of(PartyRole::Supervisor).next(),
                shareholders: of(PartyRole::Shareholder).collect(),
            };
            // Checked again here: another case may have registered or changed the company since
            // this one was opened. The store's write is itself conditional on what was read.
            match self.store.company(code).await? {
                None => self.store.insert_company(company).await.map_err(|e| match e {
                    StoreError::Conflict => {
                        ServiceError::Conflict("the credit code was registered meanwhile")
                    }
                    other => other.into(),
                })?,
                Some(current) => {
                    if !names_representatives(&case.parties, &current) {
                        return Err(ServiceError::Conflict(
                            "the case does not name the company's current representatives",
                        ));
                    }
                    if !self.store.change_company(&current, company).await? {
                        return Err(ServiceError::Conflict("the company changed meanwhile; reload it"));
                    }
                }
            }
        }
        if !self.store.proceed_case(id, now).await? {
            return Err(ServiceError::Conflict("the case changed; reload it"));
        }
        self.case_for_staff(staff, id).await
    }

    /// Case `id` if it is the staff member's department's; another department's is "not found".
    async fn department_case(&self, staff: &StaffRecord, id: i64) -> Result<CaseRecord, ServiceError> {
        self.store
            .case(id)
            .await?
            .filter(|c| c.department_code == staff.department_code)
            .ok_or(ServiceError::NotFound("case"))
    }

    /// Only the department that registers companies opens cases.
    async fn registrar(&self, staff: &StaffRecord) -> Result<(), ServiceError> {
        let department =
            self.store.department(&staff.department_code).await?.ok_or(ServiceError::Unauthorized)?;
        if department.allowed_types.iter().any(|t| t == REGISTRAR_TYPE) {
            Ok(())
        } else {
            Err(ServiceError::Forbidden("this department does not register companies"))
        }
    }
}

/// Whether `citizen` may still answer `case`: not once they confirmed or declined it.
///
/// # Errors
/// 409 `already_declined` or `already_confirmed`.
fn answerable(case: &CaseRecord, citizen: &str) -> Result<(), ServiceError> {
    let mine: Vec<&PartyRecord> = case.parties.iter().filter(|p| p.id_number == citizen).collect();
    if mine.iter().any(|p| p.declined.is_some()) {
        return Err(ServiceError::AlreadyDeclined);
    }
    if mine.iter().all(|p| p.confirmed_at.is_some()) {
        return Err(ServiceError::AlreadyConfirmed);
    }
    Ok(())
}

/// Whether `parties` name the registered company's current legal representative and supervisor
/// (in any role): a change of a company is theirs to confirm.
fn names_representatives(parties: &[PartyRecord], current: &CompanyRecord) -> bool {
    let named = |id: &str| parties.iter().any(|p| p.id_number == id);
    named(&current.legal_representative) && current.supervisor.as_deref().is_none_or(named)
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

    use super::source_of;

    #[test]
    fn a_source_is_the_ipv4_address_or_the_ipv6_64() {
        assert_eq!(source_of(IpAddr::V4(Ipv4Addr::new(203, 0, 113, 7))), "203.0.113.7");
        let host = |last: u16| IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0x42, 0, 0, 0, last));
        assert_eq!(source_of(host(1)), "2001:db8:0:42::/64");
        assert_eq!(source_of(host(1)), source_of(host(0xffff)), "one /64, one source");
        let next = IpAddr::V6(Ipv6Addr::new(0x2001, 0xdb8, 0, 0x43, 0, 0, 0, 1));
        assert_ne!(source_of(host(1)), source_of(next));
        let mapped = IpAddr::V6(Ipv4Addr::new(203, 0, 113, 7).to_ipv6_mapped());
        assert_eq!(source_of(mapped), "203.0.113.7");
    }
}
