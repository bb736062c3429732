//! Staff logins, enrolment codes, device registration, challenge-response device tokens.

use shimin_core::cert::CertificateType;
use shimin_core::cose::Sign1;
use shimin_core::crypto::{SigningPurpose, VerifyingKey, hmac_sha256, sha256};
use shimin_core::wallet::devices::remove_device_payload;
use shimin_wire::backend::{
    ChallengeResponse, DeviceListResponse, DeviceTokenRequest, DeviceTokenResponse, DeviceView,
    EnrolmentCodeResponse, RegisterDeviceRequest, RemoveDeviceRequest, StaffLoginResponse, StaffRole,
};

use super::issuance::{parse_id_number, require_issuer};
use super::liveness::{parse_device_key, parse_label};
use super::{Backend, ServiceError, b64, password, random, unb64};
use crate::store::{
    DeviceRecord, EnrolmentGrant, EventKind, NewEnrolmentCode, NewEvent, StaffRecord, StoreError,
    TokenRecord, TokenSubject,
};

/// An enrolment code lives a week.
const ENROLMENT_TTL: i64 = 7 * 86_400;
/// A challenge lives two minutes.
const CHALLENGE_TTL: i64 = 120;
/// The letters of enrolment codes: no 0/O, 1/I/L.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// The notification every device of the citizen gets when a new device is enrolled, followed
/// by the new device's label (the app recognises it by this start).
pub use shimin_wire::sync::NEW_DEVICE_NOTICE;
/// Characters in an enrolment code.
const CODE_LEN: usize = 10;

/// The certificate types whose issuers prove who a citizen is: only their departments (the
/// police's household registration) may hand out enrolment codes, since a code lets a new
/// device receive every certificate of the citizen.
const IDENTITY_TYPES: [CertificateType; 2] =
    [CertificateType::ResidentIdCard, CertificateType::HouseholdRegister];

/// What the enrolment-code key is derived from the root key with (the root key from the key
/// file: the same bytes a database from before the key file held, so codes issued before the
/// move still match).
const CODE_KEY_LABEL: &[u8] = b"shimin enrolment-code key v1";

/// Normalises an enrolment code as typed (case, spaces, dashes).
fn normal_code(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect()
}

impl Backend {
    /// The keyed hash an enrolment code is stored and looked up by. The key is derived from the
    /// national root key, a server secret that never sits beside the codes in their table: the
    /// stored hashes alone (a leaked table, a backup) cannot be searched for the codes.
    fn code_hash(&self, code: &str) -> Vec<u8> {
        let key = hmac_sha256(self.root().to_pkcs8().expose(), CODE_KEY_LABEL);
        hmac_sha256(&key, normal_code(code).as_bytes()).to_vec()
    }
}

impl Backend {
    /// Creates a staff account with an argon2id-hashed password.
    ///
    /// # Errors
    /// 400 for an empty login or a short password, 404 unknown department, 409 login taken.
    pub async fn create_staff(
        &self,
        login: &str,
        password: &str,
        department_code: &str,
        role: StaffRole,
    ) -> Result<i64, ServiceError> {
        if login.trim().is_empty() || login.len() > 64 {
            return Err(ServiceError::BadInput("login must be 1 to 64 characters"));
        }
        if password.chars().count() < 8 {
            return Err(ServiceError::BadInput("password must have at least 8 characters"));
        }
        if self.store.department(department_code).await?.is_none() {
            return Err(ServiceError::NotFound("department"));
        }
        let (cost, password) = (self.config.password_cost, password.to_owned());
        let (salt, hash) = tokio::task::spawn_blocking(move || password::hash(&password, cost))
            .await
            .map_err(|_| ServiceError::Signing("password hashing"))??;
        let role = match role {
            StaffRole::Issuer => "issuer",
            StaffRole::Reviewer => "reviewer",
            StaffRole::Administrator => "administrator",
        };
        self.store
            .insert_staff(StaffRecord {
                id: 0,
                login: login.to_owned(),
                department_code: department_code.to_owned(),
                role: role.to_owned(),
                password_salt: salt,
                password_hash: hash,
            })
            .await
            .map_err(|e| match e {
                StoreError::Conflict => ServiceError::Conflict("login taken"),
                other => other.into(),
            })
    }

    async fn new_token(
        &self,
        subject: TokenSubject,
        ttl: i64,
        now: i64,
    ) -> Result<(String, i64), ServiceError> {
        let token = b64(&random::<32>()?);
        let expires_at = now + ttl;
        self.store
            .insert_token(TokenRecord {
                hash: sha256(token.as_bytes()).to_vec(),
                subject,
                expires_at,
                revoked_at: None,
            })
            .await?;
        Ok((token, expires_at))
    }

    /// Checks a staff login and hands out a bearer token.
    ///
    /// [`password::MAX_FAILED_LOGINS`] failed logins in a row lock the account for
    /// [`password::LOCKOUT_SECS`], whatever addresses they came from; while it is locked even the
    /// right password is refused, with the same answer as a wrong one.
    ///
    /// # Errors
    /// 401 for an unknown login, a wrong password or a locked account (the same answer for all).
    pub async fn staff_login(
        &self,
        login: &str,
        password: &str,
        now: i64,
    ) -> Result<StaffLoginResponse, ServiceError> {
        let (staff, token, expires_at) = self.staff_session(login, password, now).await?;
        let role = match staff.role.as_str() {
            "issuer" => StaffRole::Issuer,
            "administrator" => StaffRole::Administrator,
            _ => StaffRole::Reviewer,
        };
        Ok(StaffLoginResponse { token, expires_at, department_code: staff.department_code, role })
    }

    /// Checks a staff login as [`Backend::staff_login`] does (the same lock after failed logins,
    /// the same answer for every refusal) and hands out a staff token: the account, the token
    /// and its expiry. The workbench's sign-in and the API's share it.
    ///
    /// # Errors
    /// 401 for an unknown login, a wrong password or a locked account (the same answer for all).
    pub async fn staff_session(
        &self,
        login: &str,
        password: &str,
        now: i64,
    ) -> Result<(StaffRecord, String, i64), ServiceError> {
        let staff = self.store.staff_by_login(login).await?;
        let locked = match &staff {
            Some(s) => self.store.staff_locked_until(s.id, now).await?.is_some(),
            None => false,
        };
        // Hash even for an unknown login or a locked account, so timing does not tell which
        // logins exist or are locked.
        let (salt, stored) = match &staff {
            Some(s) => (s.password_salt.clone(), s.password_hash.clone()),
            None => (vec![0; 16], Vec::new()),
        };
        let (cost, typed) = (self.config.password_cost, password.to_owned());
        let checked = tokio::task::spawn_blocking(move || {
            let checked = password::check(&typed, &salt, &stored, cost);
            let dummy = if stored.is_empty() { password::hash(&typed, cost).map(|_| ()) } else { Ok(()) };
            dummy.map(|()| checked)
        })
        .await
        .map_err(|_| ServiceError::Signing("password hashing"))??;
        let Some(staff) = staff else { return Err(ServiceError::Unauthorized) };
        if locked {
            return Err(ServiceError::Unauthorized);
        }
        match checked {
            password::Checked::Wrong => {
                self.store
                    .count_failed_login(staff.id, now, password::MAX_FAILED_LOGINS, password::LOCKOUT_SECS)
                    .await?;
                return Err(ServiceError::Unauthorized);
            }
            password::Checked::RightRehash => {
                let typed = password.to_owned();
                let (salt, hash) = tokio::task::spawn_blocking(move || password::hash(&typed, cost))
                    .await
                    .map_err(|_| ServiceError::Signing("password hashing"))??;
                self.store.set_staff_password(staff.id, salt, hash).await?;
            }
            password::Checked::Right => {}
        }
        self.store.clear_failed_logins(staff.id).await?;
        let (token, expires_at) =
            self.new_token(TokenSubject::Staff(staff.id), self.config.staff_token_ttl, now).await?;
        Ok((staff, token, expires_at))
    }

    async fn live_token(&self, token: &str, now: i64) -> Result<TokenSubject, ServiceError> {
        let record = self.store.token(&sha256(token.as_bytes())).await?.ok_or(ServiceError::Unauthorized)?;
        if record.revoked_at.is_some() || record.expires_at <= now {
            return Err(ServiceError::Unauthorized);
        }
        Ok(record.subject)
    }

    /// The staff member a bearer token stands for.
    ///
    /// # Errors
    /// 401 for anything but a live staff token.
    pub async fn staff_for_token(&self, token: &str, now: i64) -> Result<StaffRecord, ServiceError> {
        match self.live_token(token, now).await? {
            TokenSubject::Staff(id) => self.store.staff(id).await?.ok_or(ServiceError::Unauthorized),
            TokenSubject::Device(_) => Err(ServiceError::Unauthorized),
        }
    }

    /// The device a bearer token stands for.
    ///
    /// # Errors
    /// 401 for anything but a live device token of a device that is not removed.
    pub async fn device_for_token(&self, token: &str, now: i64) -> Result<DeviceRecord, ServiceError> {
        // The token and its device in one look-up: this runs on every request a device makes.
        let (record, device) = self
            .store
            .token_and_device(&sha256(token.as_bytes()))
            .await?
            .ok_or(ServiceError::Unauthorized)?;
        live_device(record, device, now)
    }

    /// Revokes a bearer token (logout).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn revoke_token(&self, token: &str, now: i64) -> Result<(), ServiceError> {
        self.store.revoke_token(&sha256(token.as_bytes()), now).await?;
        Ok(())
    }

    /// A one-time enrolment code for a citizen (the stand-in for identity proofing), issued by
    /// issuer staff of a department that issues identity documents. The code replaces the
    /// citizen's code still outstanding, and who issued it is recorded.
    ///
    /// # Errors
    /// 403 for staff of any other department or role, 400 bad ID number, 404 `unknown_citizen`.
    pub async fn enrolment_code(
        &self,
        staff: &StaffRecord,
        holder: &str,
        now: i64,
    ) -> Result<EnrolmentCodeResponse, ServiceError> {
        require_issuer(staff)?;
        let department = self.store.department(&staff.department_code).await?;
        let issues_identity = department
            .is_some_and(|d| IDENTITY_TYPES.iter().any(|t| d.allowed_types.iter().any(|a| a == t.slug())));
        if !issues_identity {
            return Err(ServiceError::Forbidden(
                "only departments that issue identity documents give enrolment codes",
            ));
        }
        let id = parse_id_number(holder)?;
        if self.store.citizen(id.as_str()).await?.is_none() {
            return Err(ServiceError::UnknownCitizen);
        }
        let bytes = random::<CODE_LEN>()?;
        let code: String =
            bytes.iter().map(|b| char::from(CODE_ALPHABET[usize::from(*b) % CODE_ALPHABET.len()])).collect();
        let expires_at = now + ENROLMENT_TTL;
        self.store
            .insert_enrolment_code(NewEnrolmentCode {
                hash: self.code_hash(&code),
                citizen_id_number: id.as_str().to_owned(),
                issued_by: staff.id,
                issued_at: now,
                expires_at,
            })
            .await?;
        // The audit trail: the staff account and its department, never the citizen.
        tracing::info!(staff = staff.id, department = %staff.department_code, "enrolment code issued");
        Ok(EnrolmentCodeResponse { code, expires_at })
    }

    /// Registers a device key with a one-time enrolment code, and signs it a copy of every
    /// current certificate.
    ///
    /// # Errors
    /// 400 bad ID number or key, 401 `bad_enrolment_code` (unknown, used, expired or another
    /// citizen's code), 409 `device_already_registered`.
    pub async fn register_device(
        &self,
        request: RegisterDeviceRequest,
        now: i64,
    ) -> Result<i64, ServiceError> {
        let id = parse_id_number(&request.id_number)?;
        let key = parse_device_key(&request.public_key_b64)?;
        parse_label(&request.label)?;
        let grant = EnrolmentGrant::Code(self.code_hash(&request.enrolment_code));
        let device = self
            .enrol_new_device(grant, id.as_str(), &key, request.label, now)
            .await?
            .ok_or(ServiceError::BadEnrolmentCode)?;
        Ok(device.id)
    }

    /// Enrols a new device of `citizen` with `key` on `grant`: the one way both enrolment paths
    /// (a code, a passed liveness check) store a device. The id is drawn at random
    /// ([`new_device_id`]); a copy of every current certificate is signed for the key before
    /// the grant is spent, and stored with the device, the grant spent and a notice to every
    /// other device of the citizen in one transaction: a failure spends nothing and leaves no
    /// device without certificates. `None` when the grant is not (or no longer) good.
    ///
    /// # Errors
    /// 409 `device_already_registered` for a key registered already; when signing or the store
    /// fails.
    pub(super) async fn enrol_new_device(
        &self,
        grant: EnrolmentGrant,
        citizen: &str,
        key: &VerifyingKey,
        label: String,
        now: i64,
    ) -> Result<Option<DeviceRecord>, ServiceError> {
        let device = DeviceRecord {
            id: new_device_id()?,
            citizen_id_number: citizen.to_owned(),
            public_key: key.as_bytes().to_vec(),
            label,
            created_at: now,
            removed_at: None,
        };
        let copies = self.copies_for_new_device(citizen, key).await?;
        // The new device itself is not told of its own enrolment.
        let notices = self
            .store
            .active_devices(citizen)
            .await?
            .into_iter()
            .map(|other| NewEvent {
                citizen_id_number: citizen.to_owned(),
                device_id: Some(other.id),
                kind: EventKind::Notification,
                certificate_id: None,
                status: None,
                message: Some(format!("{NEW_DEVICE_NOTICE}{}", device.label)),
                created_at: now,
            })
            .collect();
        self.store.enrol_device_with_copies(grant, device, copies, notices, now).await.map_err(|e| match e {
            StoreError::Conflict => ServiceError::DeviceAlreadyRegistered,
            other => other.into(),
        })
    }

    /// A fresh challenge for a device. An unknown or removed device gets a challenge too, one
    /// that is never stored, so this unauthenticated route does not tell which ids exist.
    ///
    /// # Errors
    /// When the store fails or there is no randomness.
    pub async fn challenge(&self, device_id: i64, now: i64) -> Result<ChallengeResponse, ServiceError> {
        let nonce = random::<32>()?.to_vec();
        let expires_at = now + CHALLENGE_TTL;
        let live = self.store.device(device_id).await?.is_some_and(|d| d.removed_at.is_none());
        if live {
            self.store.insert_challenge(device_id, nonce.clone(), expires_at).await?;
        }
        Ok(ChallengeResponse { challenge_b64: b64(&nonce), expires_at })
    }

    /// Spends a challenge of `device` and checks the device's signature over `expected` (made
    /// from the challenge).
    async fn check_device_signature(
        &self,
        device: &DeviceRecord,
        challenge_b64: &str,
        signature_b64: &str,
        expected: impl FnOnce(&[u8]) -> Vec<u8>,
        now: i64,
    ) -> Result<(), ServiceError> {
        let nonce = unb64(challenge_b64, "challenge is not base64url")?;
        let signature = unb64(signature_b64, "signature is not base64url")?;
        // The challenge is spent whatever the outcome.
        if !self.store.take_challenge(device.id, &nonce, now).await? {
            return Err(ServiceError::Unauthorized);
        }
        let key = VerifyingKey::p256_from_sec1(&device.public_key)
            .map_err(|_| ServiceError::Signing("device key"))?;
        let message =
            Sign1::decode(&signature).map_err(|_| ServiceError::BadInput("signature is not a COSE_Sign1"))?;
        let payload = message
            .verify_for(SigningPurpose::DeviceBinding, |_| Some(key))
            .map_err(|_| ServiceError::Unauthorized)?;
        if payload != expected(&nonce).as_slice() {
            return Err(ServiceError::Unauthorized);
        }
        Ok(())
    }

    /// Checks the device's signature over a challenge it was given and hands out a token.
    ///
    /// # Errors
    /// 400 malformed, 401 unknown/expired/used challenge, bad signature, or an unknown or removed
    /// device (one answer for all, so the id is not revealed).
    pub async fn device_token(
        &self,
        device_id: i64,
        request: DeviceTokenRequest,
        now: i64,
    ) -> Result<DeviceTokenResponse, ServiceError> {
        let device = self
            .store
            .device(device_id)
            .await?
            .filter(|d| d.removed_at.is_none())
            .ok_or(ServiceError::Unauthorized)?;
        self.check_device_signature(
            &device,
            &request.challenge_b64,
            &request.signature_b64,
            <[u8]>::to_vec,
            now,
        )
        .await?;
        let (token, expires_at) =
            self.new_token(TokenSubject::Device(device.id), self.config.device_token_ttl, now).await?;
        Ok(DeviceTokenResponse { token, expires_at })
    }

    /// The citizen's devices, for "my devices" in the app's settings.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn my_devices(&self, caller: &DeviceRecord) -> Result<DeviceListResponse, ServiceError> {
        let devices = self.store.active_devices(&caller.citizen_id_number).await?;
        Ok(DeviceListResponse {
            devices: devices
                .into_iter()
                .map(|d| DeviceView {
                    device_id: d.id,
                    label: d.label,
                    created_at: d.created_at,
                    this_device: d.id == caller.id,
                })
                .collect(),
        })
    }

    /// Removes a device (lost phone) and revokes its tokens. A device may remove itself, or
    /// another device of the same citizen with a step-up: a fresh signature of the calling
    /// device over [`remove_device_payload`], which the app makes only after the PIN opened the
    /// device key. A stolen bearer token alone cannot lock the owner out.
    ///
    /// # Errors
    /// 404 for a device that is not the citizen's (unknown, removed or another's: one answer),
    /// 403 without the step-up, 401 for a bad one.
    pub async fn remove_device(
        &self,
        caller: &DeviceRecord,
        device_id: i64,
        step_up: Option<RemoveDeviceRequest>,
        now: i64,
    ) -> Result<(), ServiceError> {
        // Unknown, removed and another citizen's devices get one answer; the caller's own
        // devices are no secret to it ("my devices" lists them).
        let target = self
            .store
            .device(device_id)
            .await?
            .filter(|d| d.citizen_id_number == caller.citizen_id_number && d.removed_at.is_none())
            .ok_or(ServiceError::NotFound("device"))?;
        if target.id != caller.id {
            let step_up = step_up.ok_or(ServiceError::Forbidden(
                "removing another device needs the PIN and a fresh device signature",
            ))?;
            self.check_device_signature(
                caller,
                &step_up.challenge_b64,
                &step_up.signature_b64,
                |nonce| remove_device_payload(target.id, nonce),
                now,
            )
            .await?;
        }
        self.store.remove_device(target.id, now).await?;
        Ok(())
    }
}

/// A new device id: 52 random bits above 2^52, so ids cannot be guessed or counted, stay exact
/// in a JSON number read as a double, and never meet the small sequential ids of old rows.
fn new_device_id() -> Result<i64, ServiceError> {
    let bytes = random::<8>()?;
    let random = u64::from_be_bytes(bytes) & ((1 << 52) - 1);
    i64::try_from(random | (1 << 52)).map_err(|_| ServiceError::Signing("device id"))
}

/// The device a token stands for, read with it: only a live (unrevoked, unexpired) device token
/// of a device that is not removed; 401 for anything else. Every request of a device is
/// judged here (through [`Backend::device_for_token`], or the sync pull that reads the token
/// with the rest of the pull).
pub(super) fn live_device(
    record: TokenRecord,
    device: Option<DeviceRecord>,
    now: i64,
) -> Result<DeviceRecord, ServiceError> {
    if record.revoked_at.is_some() || record.expires_at <= now {
        return Err(ServiceError::Unauthorized);
    }
    match (record.subject, device) {
        (TokenSubject::Device(id), Some(device)) if device.id == id && device.removed_at.is_none() => {
            Ok(device)
        }
        _ => Err(ServiceError::Unauthorized),
    }
}
