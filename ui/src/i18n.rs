//! Every string the user reads, in 简体中文 (default), 繁體中文 and English.
//!
//! Components never hold text of their own: they ask [`t`] for a [`Key`] in the current [`Language`].
//! The table below is the one place each text is written, once per language.

use shimin_wire::liveness::{ActionView, GuidanceView, LivenessFailureView};
pub use shimin_wire::wallet::Language;

/// The language's name in itself, for the pickers.
pub fn native_name(lang: Language) -> &'static str {
    match lang {
        Language::ZhHans => "简体中文",
        Language::ZhHant => "繁體中文",
        Language::En => "English",
    }
}

/// Where `lang`'s texts are in each row of the table.
fn index(lang: Language) -> usize {
    match lang {
        Language::ZhHans => 0,
        Language::ZhHant => 1,
        Language::En => 2,
    }
}

/// Declares [`Key`] with its texts in the three languages, in [`Language::ALL`] order.
macro_rules! texts {
    ($($key:ident: $hans:literal, $hant:literal, $en:literal;)*) => {
        /// A string the UI shows.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Key { $($key,)* }

        impl Key {
            /// Every key, so a test can prove each one is translated.
            #[cfg(test)]
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];

            fn texts(self) -> [&'static str; 3] {
                match self { $(Key::$key => [$hans, $hant, $en],)* }
            }
        }
    };
}

texts! {
    AppName: "市民通", "市民通", "Shimin";
    Tagline: "让数据多跑路，群众少跑腿", "讓數據多跑路，群眾少跑腿", "Let the data run, not the people";
    IdCheckTitle: "核验身份证号", "核驗身分證號", "Check an ID number";
    IdCheckLabel: "公民身份号码", "公民身分號碼", "Citizen ID number";
    IdCheckPlaceholder: "18 位号码", "18 位號碼", "18 characters";
    IdCheckButton: "核验", "核驗", "Check";
    IdValid: "号码有效", "號碼有效", "Valid number";
    IdBirthDate: "出生日期", "出生日期", "Date of birth";
    IdWrongLength: "号码应为 18 位，当前为 {} 位", "號碼應為 18 位，目前為 {} 位", "The number has 18 characters; this one has {}";
    IdInvalidCharacter: "第 {} 位字符无效", "第 {} 位字元無效", "Character {} is not allowed there";
    IdUnknownProvince: "前两位不是有效的省级行政区划代码", "前兩位不是有效的省級行政區劃代碼", "The first two digits are not a province code";
    IdInvalidBirthDate: "号码中的出生日期不存在", "號碼中的出生日期不存在", "The birth date inside the number does not exist";
    IdChecksumMismatch: "最后一位是校验码，由前 17 位算出；现在对不上，可能有一位输错了，请逐位核对", "最後一位是校驗碼，由前 17 位算出；現在對不上，可能有一位輸錯了，請逐位核對", "The last character is a check digit computed from the first 17; it does not match, so one of them is probably mistyped. Please check each one";
    ErrorInternal: "出现内部错误，请重试", "發生內部錯誤，請重試", "Something went wrong inside the app; please try again";
    AboutCore: "核心版本", "核心版本", "Core version";
    Language: "语言", "語言", "Language";
    NavLabel: "主导航", "主導覽", "Main navigation";
    TabWallet: "卡包", "卡包", "Wallet";
    TabVerify: "核验", "核驗", "Verify";
    TabHistory: "记录", "記錄", "History";
    TabSettings: "设置", "設定", "Settings";
    UnlockTitle: "解锁卡包", "解鎖卡包", "Unlock your wallet";
    UnlockIntro: "输入 6 位数字密码，查看本机保存的电子证照", "輸入 6 位數字密碼，查看本機保存的電子證照", "Enter your 6-digit PIN to open the e-certificates kept on this device";
    CreateIntro: "设置 6 位数字密码。证照在本机加密保存，只有输入这个密码才能打开", "設定 6 位數字密碼。證照在本機加密保存，只有輸入這個密碼才能開啟", "Choose a 6-digit PIN. Your certificates are encrypted on this device and open only with it";
    PinLabel: "6 位数字密码", "6 位數字密碼", "PIN (6 digits)";
    PinConfirmLabel: "再次输入密码", "再次輸入密碼", "Enter the PIN again";
    UnlockButton: "解锁", "解鎖", "Unlock";
    CreateButton: "创建卡包", "建立卡包", "Create wallet";
    OnboardWelcomeTitle: "欢迎使用市民通", "歡迎使用市民通", "Welcome to Shimin";
    OnboardWelcomeIntro: "政府签发的电子证照保存在本机，出示二维码即可离线核验。请先选择语言。", "政府簽發的電子證照保存在本機，出示 QR 碼即可離線核驗。請先選擇語言。", "Government-signed e-certificates kept on this device, shown as a QR code anyone can check offline. First, choose your language.";
    OnboardStart: "开始", "開始", "Start";
    OnboardStepOf: "第 {} 步，共 3 步", "第 {} 步，共 3 步", "Step {} of 3";
    OnboardIdentityTitle: "核实身份", "核實身分", "Confirm who you are";
    OnboardIdentityIntro: "输入您的公民身份号码，再选择确认身份的方式：刷脸（与公安登记照片比对），或工作人员给您的一次性登记码。", "輸入您的公民身分號碼，再選擇確認身分的方式：刷臉（與公安登記照片比對），或工作人員給您的一次性登記碼。", "Enter your citizen ID number, then choose how to confirm who you are: your face (compared with your police registry photo), or a one-time enrolment code staff gave you.";
    OnboardMethodLegend: "确认身份的方式", "確認身分的方式", "How to confirm who you are";
    OnboardMethodFace: "刷脸核验（推荐）", "刷臉核驗（推薦）", "Face check (recommended)";
    OnboardMethodCode: "一次性登记码", "一次性登記碼", "One-time enrolment code";
    OnboardFaceTitle: "刷脸核验", "刷臉核驗", "Face check";
    OnboardFaceIntro: "请正对镜头，按提示依次完成动作。照片只用于本次核验，不会保存。", "請正對鏡頭，依提示依序完成動作。照片只用於本次核驗，不會儲存。", "Face the camera and do the actions as asked. The pictures are used for this check only and are not kept.";
    OnboardUseCode: "改用登记码", "改用登記碼", "Use an enrolment code instead";
    OnboardCodeTitle: "输入登记码", "輸入登記碼", "Enter your enrolment code";
    OnboardRegisterButton: "登记本设备", "登記本裝置", "Register this device";
    GuideFaceNotFound: "请将面部移入框内", "請將面部移入框內", "Put your face inside the outline";
    GuideOneFace: "镜头前只能有一个人", "鏡頭前只能有一個人", "Only one person in front of the camera";
    GuideMoveCloser: "请靠近一点", "請靠近一點", "Come a little closer";
    GuideMoveBack: "请离远一点", "請離遠一點", "Move back a little";
    GuideCenter: "请将面部置于框中央", "請將面部置於框中央", "Centre your face in the outline";
    GuideMoreLight: "光线太暗，请到明亮处", "光線太暗，請到明亮處", "Too dark: find more light";
    GuideLessLight: "光线太强，请避开强光", "光線太強，請避開強光", "Too bright: avoid strong light on your face";
    GuideHoldStill: "请保持不动", "請保持不動", "Hold still";
    GuideLookStraight: "请正对镜头，睁眼，闭嘴", "請正對鏡頭，睜眼，閉嘴", "Look straight at the camera, eyes open, mouth closed";
    GuideBlink: "请眨眼", "請眨眼", "Blink";
    GuideOpenMouth: "请张嘴", "請張嘴", "Open your mouth";
    GuideShake: "请摇头", "請搖頭", "Shake your head";
    GuideTurnLeft: "请向左转头", "請向左轉頭", "Turn your head to the left";
    GuideTurnRight: "请向右转头", "請向右轉頭", "Turn your head to the right";
    GuideNod: "请点头", "請點頭", "Nod";
    GuideRaiseHead: "请抬头回正", "請抬頭回正", "Now raise your head again";
    GuideDone: "动作已完成", "動作已完成", "All actions done";
    ActionBlink: "眨眼", "眨眼", "Blink";
    ActionMouth: "张嘴", "張嘴", "Open mouth";
    ActionShake: "摇头", "搖頭", "Shake head";
    ActionNod: "点头", "點頭", "Nod";
    LivenessProgress: "已完成 {} 个动作，共 {} 个", "已完成 {} 個動作，共 {} 個", "{} of {} actions done";
    LivenessStepHidden: "第 {} 步：稍后提示", "第 {} 步：稍後提示", "Step {}: shown when it is time";
    LivenessStarting: "正在准备核验…", "正在準備核驗…", "Preparing the check…";
    LivenessChecking: "正在与公安登记照片比对…", "正在與公安登記照片比對…", "Comparing with your registry photo…";
    LivenessRetry: "重新核验", "重新核驗", "Try again";
    LivenessPrivacy: "核验结果由国家平台判定，只返回通过或未通过。", "核驗結果由國家平台判定，只回傳通過或未通過。", "The national platform decides and answers only pass or fail.";
    LivenessFailedTimeout: "超时未完成所有动作，请重试", "逾時未完成所有動作，請重試", "The time ran out before every action was done; please try again";
    LivenessFailedWrongAction: "动作顺序不对，请按提示的顺序做", "動作順序不對，請依提示的順序做", "The actions came in the wrong order; please follow the order asked";
    LivenessFailedFaceLost: "面部离开画面太久", "面部離開畫面太久", "Your face left the picture for too long";
    LivenessFailedFaceChanged: "核验中画面里的人脸发生了变化", "核驗中畫面裡的人臉發生了變化", "The face in the picture changed during the check";
    LivenessFailedSeveralFaces: "画面中出现了多张人脸", "畫面中出現了多張人臉", "More than one face appeared in the picture";
    LivenessFailedStreamEnded: "摄像头画面中断", "攝影機畫面中斷", "The camera picture stopped";
    LivenessFailedCamera: "摄像头画面无法读取", "攝影機畫面無法讀取", "The camera picture could not be read";
    ErrorCameraUnavailable: "无法打开摄像头，请允许本应用使用摄像头，或改用登记码", "無法開啟攝影機，請允許本應用程式使用攝影機，或改用登記碼", "The camera could not be opened; allow this app to use it, or use an enrolment code";
    ErrorLivenessRejected: "核验未通过，未作任何登记。请在光线充足处本人重试", "核驗未通過，未作任何登記。請在光線充足處本人重試", "The check did not pass and nothing was registered. Please try again yourself, in good light";
    ErrorNoRegistryPhoto: "此证件号码现在无法刷脸核验（公安登记中没有您的照片可比对，或今日次数已用完），请改用登记码", "此證件號碼現在無法刷臉核驗（公安登記中沒有您的照片可比對，或今日次數已用完），請改用登記碼", "This ID number cannot be checked by the face now (the registry has no photo of you to compare with, or today's checks are used up); please use an enrolment code";
    ErrorTooManyAttempts: "今日核验次数已用完，请明天再试或改用登记码", "今日核驗次數已用完，請明天再試或改用登記碼", "Today's checks are used up; try again tomorrow or use an enrolment code";
    ErrorAlreadyDone: "此事项已经完成", "此事項已經完成", "This has been done already";
    VerifyCameraUnavailable: "无法打开摄像头，请允许本应用使用摄像头，或选择二维码图片", "無法開啟攝影機，請允許本應用程式使用攝影機，或選擇 QR 碼圖片", "The camera could not be opened; allow this app to use it, or open a picture of the code";
    VerifyScanStop: "停止扫码", "停止掃碼", "Stop scanning";
    VerifyScanning: "请将二维码对准取景框…", "請將 QR 碼對準取景框…", "Hold the QR code in view…";
    RequestsTitle: "身份核验请求", "身分核驗請求", "Identity requests";
    RequestsIntro: "以下登记事项请您本人确认身份；不是您办理的，可以拒绝并告知对方。", "以下登記事項請您本人確認身分；不是您辦理的，可以拒絕並告知對方。", "These registrations ask you to confirm your identity; if you did not ask for one, decline it and they are told.";
    RequestsEmpty: "没有待处理的身份核验请求", "沒有待處理的身分核驗請求", "No identity requests waiting";
    RequestsBanner: "有 {} 项身份核验请求待您确认", "有 {} 項身分核驗請求待您確認", "{} identity requests are waiting for you";
    RequestsOpen: "查看", "查看", "Open";
    RoleLegalRepresentative: "法定代表人", "法定代表人", "Legal representative";
    RoleShareholder: "股东", "股東", "Shareholder";
    RoleSupervisor: "监事", "監事", "Supervisor";
    RequestConfirm: "查看并确认", "查看並確認", "Review and answer";
    RequestConfirmed: "已确认", "已確認", "Confirmed";
    RequestPending: "待确认", "待確認", "Waiting for you";
    EnrolmentCodeLabel: "一次性登记码", "一次性登記碼", "One-time enrolment code";
    EnrolmentCodeMissing: "请输入登记码", "請輸入登記碼", "Please enter the enrolment code";
    OnboardNext: "下一步", "下一步", "Next";
    OnboardSkip: "暂不登记，仅在本机使用", "暫不登記，僅在本機使用", "Skip for now and use this device only";
    OnboardPinTitle: "设置 6 位数字密码", "設定 6 位數字密碼", "Choose a PIN";
    OnboardCreating: "正在创建加密卡包…", "正在建立加密卡包…", "Creating your encrypted wallet…";
    OnboardEnrolling: "正在登记本设备…", "正在登記本裝置…", "Registering this device…";
    OnboardRetry: "重试登记", "重試登記", "Try registering again";
    OnboardLater: "稍后再登记", "稍後再登記", "Register later";
    OnboardFailedTitle: "设备登记未完成", "裝置登記未完成", "This device is not registered yet";
    OnboardFailedIntro: "卡包已创建，您输入的信息也已保留，可以随时重试。", "卡包已建立，您輸入的資料也已保留，可以隨時重試。", "Your wallet is created and what you entered is kept; you can try again at any time.";
    EnrolTitle: "登记本设备", "登記本裝置", "Register this device";
    EnrolButton: "登记并同步", "登記並同步", "Register and sync";
    EnrolBanner: "本设备尚未登记，无法从国家平台同步证照", "本裝置尚未登記，無法從國家平台同步證照", "This device is not registered, so certificates cannot be synced from the national platform";
    SyncNow: "立即同步", "立即同步", "Sync now";
    SyncNever: "尚未同步", "尚未同步", "Not synced yet";
    SyncPending: "待上传 {} 项", "待上傳 {} 項", "{} waiting to upload";
    SyncDeviceRefused: "国家平台不再接受本设备，请重新登记", "國家平台不再接受本裝置，請重新登記", "The national platform no longer accepts this device; please register it again";
    SyncBadData: "收到的数据未通过校验，已丢弃", "收到的資料未通過校驗，已捨棄", "Data received did not verify and was discarded";
    SyncStorageProblem: "本机存储出错", "本機儲存出錯", "This device's storage failed";
    RemindersTitle: "提醒", "提醒", "Reminders";
    ReminderExpires: "{}还有 {} 天到期", "{}還有 {} 天到期", "{} expires in {} days";
    ErrorInvalidIdNumber: "公民身份号码无效", "公民身分號碼無效", "This is not a valid citizen ID number";
    ErrorNoBackend: "本应用未配置国家平台地址，卡包只能离线使用", "本應用未設定國家平台位址，卡包只能離線使用", "No national platform is configured; the wallet works offline only";
    ErrorNotEnrolled: "本设备尚未登记", "本裝置尚未登記", "This device is not registered yet";
    ErrorEnrolmentRefused: "登记被拒绝：登记码错误、已使用或与身份号码不符", "登記被拒絕：登記碼錯誤、已使用或與身分號碼不符", "Registration refused: the code is wrong, already used, or not for this ID number";
    ErrorOffline: "无法连接国家平台，请检查网络后重试", "無法連線國家平台，請檢查網路後重試", "The national platform cannot be reached; check the network and try again";
    ErrorServerUnavailable: "国家平台暂时不可用，请稍后重试", "國家平台暫時無法使用，請稍後重試", "The national platform is unavailable; please try again later";
    ErrorBadData: "国家平台返回的数据未通过校验，未作任何保存", "國家平台回傳的資料未通過校驗，未作任何儲存", "The national platform's answer did not verify; nothing was stored";
    AutoLock: "自动锁定", "自動鎖定", "Lock automatically";
    AutoLockNever: "从不", "永不", "Never";
    AutoLockMinutes: "{} 分钟无操作后", "{} 分鐘無操作後", "After {} min idle";
    ChangePinTitle: "修改密码", "修改密碼", "Change PIN";
    PinCurrentLabel: "当前密码", "目前密碼", "Current PIN";
    PinNewLabel: "新密码（6 位数字）", "新密碼（6 位數字）", "New PIN (6 digits)";
    ChangePinButton: "修改密码", "修改密碼", "Change PIN";
    PinChanged: "密码已修改，下次解锁请使用新密码", "密碼已修改，下次解鎖請使用新密碼", "PIN changed; use the new one next time";
    RemoveDeviceTitle: "移除本设备", "移除本裝置", "Remove this device";
    RemoveDeviceIntro: "在国家平台注销本设备，并从本机删除卡包和所有证照。需要联网。", "在國家平台註銷本裝置，並從本機刪除卡包和所有證照。需要連網。", "Unregisters this device from the national platform and erases the wallet and every certificate from it. Needs a connection.";
    RemoveDeviceButton: "移除本设备", "移除本裝置", "Remove this device";
    RemoveDeviceConfirm: "再按一次确认：注销并删除", "再按一次確認：註銷並刪除", "Press again to confirm: unregister and erase";
    NewDeviceBanner: "有新设备登记了您的证照：{}（{}）。如果不是您本人操作，请立即在“我的设备”中移除它。", "有新裝置登記了您的證照：{}（{}）。如果不是您本人操作，請立即在「我的裝置」中移除它。", "A new device was registered for your certificates: {} ({}). If it was not you, remove it in My devices at once.";
    WipeAfterWrongPins: "连续输错 10 次密码后清除本机卡包", "連續輸錯 10 次密碼後清除本機卡包", "Erase the wallet from this device after 10 wrong PINs in a row";
    NewDeviceOpen: "查看我的设备", "查看我的裝置", "See my devices";
    NewDeviceAcknowledge: "是我本人，知道了", "是我本人，知道了", "It was me";
    MyDevicesTitle: "我的设备", "我的裝置", "My devices";
    MyDevicesIntro: "登记了您证照的所有设备。移除其他设备前需要再次输入密码。", "登記了您證照的所有裝置。移除其他裝置前需要再次輸入密碼。", "Every device registered for your certificates. Removing another device asks for your PIN again.";
    MyDevicesLoad: "显示我的设备", "顯示我的裝置", "Show my devices";
    ThisDevice: "本机", "本機", "This device";
    RegisteredOn: "登记于 {}", "登記於 {}", "Registered {}";
    RemoveOtherButton: "移除", "移除", "Remove";
    RemoveOtherPin: "输入密码以移除此设备", "輸入密碼以移除此裝置", "Enter your PIN to remove this device";
    RemoveOtherConfirm: "确认移除", "確認移除", "Confirm removal";
    DeviceRemoved: "已移除该设备", "已移除該裝置", "The device was removed";
    PinNotSixDigits: "密码须为 6 位数字", "密碼須為 6 位數字", "The PIN must be 6 digits";
    PinsDiffer: "两次输入的密码不一致", "兩次輸入的密碼不一致", "The two PINs are not the same";
    WrongPin: "密码不正确，请重试。卡包中的数据没有变化", "密碼不正確，請重試。卡包中的資料沒有變化", "Wrong PIN; please try again. Nothing in your wallet has changed";
    Working: "正在处理…", "處理中…", "Working…";
    LockButton: "锁定卡包", "鎖定卡包", "Lock wallet";
    WalletTitle: "我的证照", "我的證照", "My certificates";
    SearchLabel: "搜索证照", "搜尋證照", "Search certificates";
    SearchPlaceholder: "证照类型、姓名或地址", "證照類型、姓名或地址", "Search by document, name or address";
    NoCertificates: "卡包中还没有证照", "卡包中還沒有證照", "There are no certificates in your wallet yet";
    NoMatches: "没有匹配的证照", "沒有符合的證照", "No certificate matches";
    ValidUntil: "有效期至 {}", "有效期至 {}", "Valid until {}";
    LongTerm: "长期有效", "長期有效", "No expiry";
    DaysLeft: "还剩 {} 天", "尚餘 {} 天", "{} days left";
    BadgeValid: "有效", "有效", "Valid";
    BadgeExpiringSoon: "即将到期", "即將到期", "Expiring soon";
    BadgeExpired: "已过期", "已過期", "Expired";
    BadgeRevoked: "已吊销", "已撤銷", "Revoked";
    BadgeSuspended: "已暂停", "已暫停", "Suspended";
    BadgeUnverified: "未核验（离线）", "未核驗（離線）", "Unverified (offline)";
    BadgeInvalid: "无效", "無效", "Invalid";
    TypeResidentIdCard: "居民身份证", "居民身分證", "Resident ID card";
    TypeHouseholdRegister: "居民户口簿", "居民戶口簿", "Household register";
    TypeResidencePermit: "居住证", "居住證", "Residence permit";
    TypeHkMacauTravelPermit: "往来港澳通行证", "往來港澳通行證", "Travel permit to Hong Kong and Macau";
    TypeDrivingLicence: "机动车驾驶证", "機動車駕駛證", "Driving licence";
    TypeMarriageCertificate: "结婚证", "結婚證", "Marriage certificate";
    TypeBusinessLicence: "营业执照", "營業執照", "Business licence";
    TypeDegreeCertificate: "学位证书", "學位證書", "Degree certificate";
    Back: "返回", "返回", "Back";
    DetailFields: "证照信息", "證照資訊", "Details";
    DetailIssuer: "签发机关", "簽發機關", "Issuer";
    IssuerCode: "机关代码", "機關代碼", "Issuer code";
    Identifier: "证照标识", "證照標識", "Identifier";
    Verification: "核验状态", "核驗狀態", "Verification";
    VersionHistory: "版本记录", "版本記錄", "Versions";
    VersionLabel: "第 {} 版", "第 {} 版", "Version {}";
    CurrentVersion: "当前版本", "目前版本", "current";
    ImportedAt: "存入时间 {}", "存入時間 {}", "Added {}";
    PresentButton: "出示证照", "出示證照", "Present";
    ValidUntilLabel: "有效期至", "有效期至", "Valid until";
    Validity: "有效期", "有效期", "Validity";
    CertType: "证照类型", "證照類型", "Type";
    Yes: "是", "是", "Yes";
    No: "否", "否", "No";
    UnknownCode: "{}（未知代码）", "{}（未知代碼）", "{} (unknown code)";
    OutcomeValid: "真实有效", "真實有效", "Genuine and valid";
    OutcomeWarning: "未能完全核验", "未能完全核驗", "Could not be fully checked";
    OutcomeInvalid: "无效", "無效", "Not valid";
    AgeSeconds: "{} 秒", "{} 秒", "{} s";
    AgeMinutes: "{} 分钟", "{} 分鐘", "{} min";
    AgeHours: "{} 小时", "{} 小時", "{} h";
    AgeDays: "{} 天", "{} 天", "{} d";
    ReasonNoQrCode: "图片中没有可识别的二维码", "圖片中沒有可辨識的二維碼", "No QR code could be read in the picture";
    ReasonNotAShiminCode: "这不是市民通出示码", "這不是市民通出示碼", "This is not a Shimin presentation code";
    ReasonMalformed: "二维码内容已损坏或格式不受支持", "二維碼內容已損壞或格式不受支援", "The code is damaged or in a format this app does not support";
    ReasonUnknownIssuer: "签发机关不在信任列表中", "簽發機關不在信任列表中", "The issuer is not on the trust list";
    ReasonBadIssuerSignature: "签发机关的签名无效：证照可能被伪造或篡改", "簽發機關的簽章無效：證照可能被偽造或竄改", "The issuer's signature is not valid: forged or altered";
    ReasonIssuerNotAllowed: "该机关无权签发此类证照", "該機關無權簽發此類證照", "This issuer may not issue this kind of certificate";
    ReasonNotYetValid: "证照尚未生效（自 {} 起）", "證照尚未生效（自 {} 起）", "Not valid yet (from {})";
    ReasonExpired: "证照已于 {} 过期", "證照已於 {} 過期", "Expired on {}";
    ReasonRevoked: "证照已被签发机关吊销（状态列表 {}前更新）", "證照已被簽發機關撤銷（狀態列表 {}前更新）", "Revoked by the issuer (status list updated {} ago)";
    ReasonSuspended: "证照已被暂停使用（状态列表 {}前更新）", "證照已被暫停使用（狀態列表 {}前更新）", "Suspended by the issuer (status list updated {} ago)";
    ReasonStatusNotCheckable: "离线状态下无法确认是否被吊销", "離線狀態下無法確認是否被撤銷", "Revocation cannot be checked offline";
    ReasonStatusListStale: "状态列表已过期（{}前更新），请联网更新", "狀態列表已過期（{}前更新），請連網更新", "The status list is out of date ({} old); go online to update it";
    ReasonTrustListStale: "信任列表已过期（{}前更新），请联网更新", "信任列表已過期（{}前更新），請連網更新", "The trust list is out of date ({} old); go online to update it";
    ReasonNoTrustList: "本机没有信任列表，无法离线核验", "本機沒有信任列表，無法離線核驗", "There is no trust list on this device, so nothing can be checked offline";
    ReasonAttributeTampered: "「{}」与签发机关签名的内容不符", "「{}」與簽發機關簽章的內容不符", "\"{}\" does not match what the issuer signed";
    ReasonDeviceSignatureMissing: "缺少持有人设备签名，不能证明由本人出示", "缺少持有人裝置簽章，不能證明由本人出示", "No holder device signature: it does not show the holder is present";
    ReasonDeviceSignatureBad: "持有人设备签名无效", "持有人裝置簽章無效", "The holder's device signature is not valid";
    ReasonExpiredScreenshot: "出示码已过时（{} 秒前生成），可能是截图", "出示碼已過時（{} 秒前產生），可能是截圖", "The code is out of date (made {} s ago): it may be a screenshot";
    ReasonSeenBefore: "此码刚才已在此核验过：可能是转发的截图，请对方出示新码", "此碼剛才已在此核驗過：可能是轉發的截圖，請對方出示新碼", "This very code was already checked here moments ago: it may be a screenshot passed on. Ask for a fresh code";
    ReasonNotThisRequest: "此码不是对本次核验请求的应答：请对方扫描本机显示的请求码后再出示", "此碼不是對本次核驗請求的應答：請對方掃描本機顯示的請求碼後再出示", "This code does not answer this verifier's request: ask the holder to scan the request shown here, then show the answer";
    PresetIdentity: "身份：姓名、部分隐藏的身份号码、照片", "身分：姓名、部分隱藏的身分號碼、照片", "Identity: name, masked ID number, photo";
    PresetAge: "仅证明年满 18 周岁", "僅證明年滿 18 週歲", "Only that I am 18 or over";
    PresetFull: "全部信息", "全部資訊", "Everything";
    PresetIdentityShort: "身份", "身分", "Identity";
    PresetAgeShort: "年满 18 周岁", "年滿 18 週歲", "Age 18+";
    PresetFullShort: "全部信息", "全部資訊", "Everything";
    QrAlt: "出示二维码，供核验方扫描", "出示二維碼，供核驗方掃描", "Presentation QR code for the verifier to scan";
    Disclosed: "本次出示", "本次出示", "Shown";
    AskSwitch: "请对方出示", "請對方出示", "Ask the holder to show";
    AskLegend: "请对方出示哪些信息", "請對方出示哪些資訊", "What to ask for";
    AskQrAlt: "核验请求二维码，供对方扫描", "核驗請求 QR 碼，供對方掃描", "Request QR code for the holder to scan";
    AskCode: "请求编号 {}", "請求編號 {}", "Request {}";
    AskHint: "请对方用市民通扫描此请求码并同意出示，再扫描对方的应答码。只有对本次请求的应答才能通过，截图和转发的码都无效", "請對方用市民通掃描此請求碼並同意出示，再掃描對方的應答碼。只有對本次請求的應答才能通過，截圖和轉發的碼都無效", "Let the holder scan this request with Shimin and agree, then scan their answer. Only an answer to this very request passes; screenshots and forwarded codes do not";
    ConsentTitle: "对方请您出示证照", "對方請您出示證照", "A verifier asks you to show a certificate";
    ConsentWho: "请求编号 {}（应与对方屏幕上的编号一致），{} 发出", "請求編號 {}（應與對方螢幕上的編號一致），{} 發出", "Request {} (it must match the number on the verifier's screen), made {}";
    ConsentUnverified: "二维码无法证明对方是谁：只向您信任的核验人员出示", "QR 碼無法證明對方是誰：只向您信任的核驗人員出示", "The code cannot prove who is asking: show only to a verifier you trust";
    ConsentAsks: "对方要求", "對方要求", "Asked for";
    ConsentWith: "用哪份证照应答；同意后将出示以下信息", "用哪份證照應答；同意後將出示以下資訊", "Answer with which certificate; agreeing shows exactly this";
    ConsentNone: "您的钱包中没有能应答此请求的有效证照", "您的錢包中沒有能應答此請求的有效證照", "No valid certificate in your wallet can answer this request";
    ConsentAgree: "同意出示", "同意出示", "Agree and show";
    ConsentRefuse: "拒绝", "拒絕", "Refuse";
    ConsentRefused: "已拒绝，未出示任何信息", "已拒絕，未出示任何資訊", "Refused: nothing was shown";
    AnswerQrAlt: "应答二维码，供核验方扫描", "應答 QR 碼，供核驗方掃描", "Answer QR code for the verifier to scan";
    AnswerHint: "请对方扫描此应答码。它只对编号 {} 的请求有效，一分钟后失效", "請對方掃描此應答碼。它只對編號 {} 的請求有效，一分鐘後失效", "Let the verifier scan this answer. It is good for request {} only, and for a minute";
    VerifyTitle: "核验他人证照", "核驗他人證照", "Verify a certificate";
    VerifyHint: "用摄像头扫描市民通出示码，或打开一张含有它的图片，离线核验真伪、有效期和吊销状态", "用攝影機掃描市民通出示碼，或開啟一張含有它的圖片，離線核驗真偽、有效期和撤銷狀態", "Scan a Shimin code with the camera, or open a picture of one, to check offline that it is genuine, in date and not revoked";
    VerifyChoose: "选择图片", "選擇圖片", "Choose a picture";
    SignedAt: "出示时间 {}", "出示時間 {}", "Shown at {}";
    DisclosedData: "出示的信息", "出示的資訊", "Information shown";
    Reasons: "原因", "原因", "Why";
    HistoryTitle: "出示记录", "出示記錄", "Presentation history";
    HistoryEmpty: "还没有出示记录", "還沒有出示記錄", "You have not presented anything yet";
    ExportButton: "导出记录", "匯出記錄", "Export the history";
    Exported: "已导出 {} 条记录，文件名：{}", "已匯出 {} 筆記錄，檔名：{}", "Exported {} entries as {}";
    SettingsTitle: "设置", "設定", "Settings";
    About: "关于", "關於", "About";
    AppVersion: "应用版本", "應用程式版本", "App version";
    Licences: "模型与数据许可", "模型與資料授權", "Models and data licences";
    ErrorLocked: "卡包已锁定，请先解锁", "卡包已鎖定，請先解鎖", "The wallet is locked; unlock it first";
    ErrorNotFound: "找不到该证照", "找不到該證照", "Certificate not found";
    ErrorStorage: "无法读取本机数据", "無法讀取本機資料", "The data on this device could not be read";
    ErrorNoWallet: "本机还没有卡包", "本機還沒有卡包", "There is no wallet on this device";
    ErrorWalletExists: "本机已有卡包", "本機已有卡包", "This device already has a wallet";
    ErrorPresetNotApplicable: "该证照不支持此出示方式", "該證照不支援此出示方式", "This certificate cannot be shown this way";
    AttrCertificateNumber: "证照编号", "證照編號", "Certificate number";
    AttrIssuerName: "签发机关", "簽發機關", "Issued by";
    AttrIssueDate: "签发日期", "簽發日期", "Issue date";
    AttrName: "姓名", "姓名", "Name";
    AttrIdNumber: "公民身份号码", "公民身分號碼", "Citizen ID number";
    AttrIdNumberMasked: "身份号码（部分隐藏）", "身分號碼（部分隱藏）", "ID number (masked)";
    AttrSex: "性别", "性別", "Sex";
    AttrBirthDate: "出生日期", "出生日期", "Date of birth";
    AttrAgeOver18: "年满 18 周岁", "年滿 18 週歲", "Aged 18 or over";
    AttrEthnicity: "民族", "民族", "Ethnic group";
    AttrAddress: "住址", "住址", "Address";
    AttrPhoto: "照片", "照片", "Photo";
    AttrNamePinyin: "姓名拼音", "姓名拼音", "Name in pinyin";
    AttrResidenceAddress: "居住地址", "居住地址", "Residence address";
    AttrHouseholdNumber: "户号", "戶號", "Household number";
    AttrHeadOfHousehold: "户主姓名", "戶主姓名", "Head of household";
    AttrRelationToHead: "与户主关系", "與戶主關係", "Relation to head of household";
    AttrBirthplace: "出生地", "出生地", "Place of birth";
    AttrNationality: "国籍", "國籍", "Nationality";
    AttrVehicleClasses: "准驾车型", "準駕車型", "Vehicle classes";
    AttrFirstIssueDate: "初次领证日期", "初次領證日期", "First issued";
    AttrFileNumber: "档案编号", "檔案編號", "File number";
    AttrHkEndorsementKind: "香港签注类别", "香港簽注類別", "Hong Kong endorsement type";
    AttrHkEndorsementEntries: "香港签注次数", "香港簽注次數", "Hong Kong endorsement entries";
    AttrHkEndorsementValidUntil: "香港签注有效期至", "香港簽注有效期至", "Hong Kong endorsement valid until";
    AttrMacauEndorsementKind: "澳门签注类别", "澳門簽注類別", "Macau endorsement type";
    AttrMacauEndorsementEntries: "澳门签注次数", "澳門簽注次數", "Macau endorsement entries";
    AttrMacauEndorsementValidUntil: "澳门签注有效期至", "澳門簽注有效期至", "Macau endorsement valid until";
    AttrSpouseName: "配偶姓名", "配偶姓名", "Spouse's name";
    AttrSpouseIdNumber: "配偶身份号码", "配偶身分號碼", "Spouse's ID number";
    AttrSpouseSex: "配偶性别", "配偶性別", "Spouse's sex";
    AttrSpouseBirthDate: "配偶出生日期", "配偶出生日期", "Spouse's date of birth";
    AttrRegistrationDate: "登记日期", "登記日期", "Registration date";
    AttrCreditCode: "统一社会信用代码", "統一社會信用代碼", "Unified social credit code";
    AttrCompanyKind: "类型", "類型", "Company type";
    AttrLegalRepresentative: "法定代表人", "法定代表人", "Legal representative";
    AttrRegisteredCapitalYuan: "注册资本（元）", "註冊資本（元）", "Registered capital (yuan)";
    AttrEstablished: "成立日期", "成立日期", "Established";
    AttrBusinessTermUntil: "营业期限至", "營業期限至", "Business term until";
    AttrBusinessScope: "经营范围", "經營範圍", "Business scope";
    AttrDegreeLevel: "学位", "學位", "Degree";
    AttrDiscipline: "学科门类", "學科門類", "Discipline";
    AttrMajor: "专业", "專業", "Major";
    AttrUniversity: "授予单位", "授予單位", "Awarded by";
    AttrConferralDate: "授予日期", "授予日期", "Conferred on";
    // 长辈版 (elder mode) and the size minimums (issue 20, item 2; ADR 0004).
    ElderMode: "长辈版", "長輩版", "Elder mode";
    ElderModeHint: "字更大、按钮更大，每屏内容更少", "字更大、按鈕更大，每屏內容更少", "Larger text and buttons, fewer items on each screen";
    ElderOfferTitle: "需要更大的字吗？", "需要更大的字嗎？", "Would you like larger text?";
    ElderOfferIntro: "长辈版字更大、按钮更大。以后可以在“设置”里切换。", "長輩版字更大、按鈕更大。以後可以在「設定」裡切換。", "Elder mode has larger text and buttons. You can change this later in Settings.";
    ElderOfferYes: "使用长辈版", "使用長輩版", "Use elder mode";
    ElderOfferNo: "使用标准版", "使用標準版", "Use standard mode";
    VerifyOthersOnly: "只核验他人的证件", "只核驗他人的證件", "Only check someone else's code";
    VoiceGuidance: "刷脸时语音提示", "刷臉時語音提示", "Spoken guidance in the face check";
    VoiceGuidanceHint: "朗读每个动作，如“请眨眼”", "朗讀每個動作，如「請眨眼」", "Each action is said aloud, such as \"Blink\"";
    LivenessPassedSpoken: "核验通过", "核驗通過", "The check passed";
    MoreSettings: "更多设置", "更多設定", "More settings";
    MoreInfo: "更多信息", "更多資訊", "More information";
    SecurityTitle: "安全", "安全", "Security";
    SearchClear: "清除搜索", "清除搜尋", "Clear search";
    // Card states and the one sync line (issue 20, item 4).
    SyncLastAt: "上次同步 {}", "上次同步 {}", "Last synced {}";
    SyncOfflineOk: "离线可出示", "離線可出示", "works offline";
    SyncRunning: "正在同步…", "正在同步…", "Syncing…";
    SyncDeviceRefusedAction: "本设备已不能与国家平台同步（可能已在其他设备上被移除）。卡包里的证照仍可出示；如需更新，请在“设置”中移除本设备后重新登记。", "本裝置已無法與國家平台同步（可能已在其他裝置上被移除）。卡包裡的證照仍可出示；如需更新，請在「設定」中移除本裝置後重新登記。", "This device can no longer sync with the national platform (it may have been removed from another device). Your certificates still show; to get updates, remove this device in Settings and register it again.";
    SyncBadDataAction: "收到的数据未通过校验，已丢弃，本机证照未受影响。请稍后再点“立即同步”；如一直出现，请更新应用。", "收到的資料未通過校驗，已捨棄，本機證照未受影響。請稍後再按「立即同步」；如一直出現，請更新應用程式。", "Data received did not verify and was discarded; your certificates are untouched. Tap Sync now later; if this keeps happening, update the app.";
    SyncStorageAction: "本机存储出错，无法保存同步的数据。请释放手机存储空间后重新打开应用。", "本機儲存出錯，無法保存同步的資料。請釋放手機儲存空間後重新開啟應用程式。", "This device's storage failed, so synced data cannot be saved. Free some storage and open the app again.";
    SyncOpenSettings: "去设置", "前往設定", "Open Settings";
    BadgeCancelled: "已注销", "已註銷", "Cancelled";
    BadgeReplaced: "已换发", "已換發", "Replaced";
    InactiveCards: "已失效（{}）", "已失效（{}）", "No longer valid ({})";
    InactiveRevoked: "发证机关已吊销此证，不能再出示", "發證機關已吊銷此證，不能再出示", "The issuer revoked it; it can no longer be shown";
    InactiveCancelled: "发证机关已注销此证，不能再出示", "發證機關已註銷此證，不能再出示", "The issuer cancelled it; it can no longer be shown";
    InactiveReplaced: "已换发新证（{} 起有效），请出示新证", "已換發新證（{} 起有效），請出示新證", "Replaced by a new one (valid from {}); show the new one";
    InactiveExpired: "已于 {} 到期", "已於 {} 到期", "Expired on {}";
    InactiveSuspended: "发证机关已暂停此证，暂不能出示", "發證機關已暫停此證，暫不能出示", "The issuer suspended it; it cannot be shown for now";
    InactiveInvalid: "未通过核验，不能出示", "未通過核驗，不能出示", "It failed its check and cannot be shown";
    Renew: "办理换领", "辦理換領", "Renew";
    RenewTitle: "到期换领", "到期換領", "Renewing before it expires";
    RenewHint: "此证将于 {} 到期。请在到期前携带本人身份证件到{}（或其网上办事大厅）办理换领；新证签发后会自动同步到本机，旧证随即失效。", "此證將於 {} 到期。請在到期前攜帶本人身分證件到{}（或其網上辦事大廳）辦理換領；新證簽發後會自動同步到本機，舊證隨即失效。", "This certificate expires on {}. Before then, renew it at {} (in person with your ID, or on its online service hall); the new one reaches this device by itself, and the old one stops being valid.";
    RenewHintExpired: "此证已于 {} 到期。请携带本人身份证件到{}（或其网上办事大厅）办理换领；新证签发后会自动同步到本机。", "此證已於 {} 到期。請攜帶本人身分證件到{}（或其網上辦事大廳）辦理換領；新證簽發後會自動同步到本機。", "This certificate expired on {}. Renew it at {} (in person with your ID, or on its online service hall); the new one reaches this device by itself.";
    RenewIssuerFallback: "发证机关", "發證機關", "the issuing office";
    // Issue 20, items 6–8 (plain words, readable history, the About page).
    WrongPinTriesLeft: "密码不正确，还可以再试 {} 次。连续输错 10 次将清除本机卡包", "密碼不正確，還可以再試 {} 次。連續輸錯 10 次將清除本機卡包", "Wrong PIN: {} tries left. After 10 wrong PINs in a row the wallet is erased from this device";
    ForgotPin: "忘记密码", "忘記密碼", "Forgot your PIN?";
    ForgotPinTitle: "忘记了密码怎么办", "忘記了密碼怎麼辦", "If you forgot your PIN";
    ForgotPinExplain: "密码无法找回，但证照不会丢失：清除本机卡包后，用刷脸或登记码重新登记本设备，证照会从国家平台重新下载。", "密碼無法找回，但證照不會遺失：清除本機卡包後，用刷臉或登記碼重新登記本裝置，證照會從國家平台重新下載。", "The PIN cannot be recovered, but your certificates are not lost: erase the wallet on this device, register the device again with your face or a code, and the certificates download again from the national platform.";
    ForgotPinErase: "清除本机卡包，重新登记", "清除本機卡包，重新登記", "Erase this wallet and register again";
    ForgotPinEraseAgain: "再按一次，确认清除", "再按一次，確認清除", "Press again to erase";
    ForgotPinCancel: "我想起来了", "我想起來了", "I remember it";
    RevealShow: "显示完整号码", "顯示完整號碼", "Show the full number";
    RevealHide: "隐藏号码", "隱藏號碼", "Hide the number";
    AboutOpen: "关于市民通", "關於市民通", "About Shimin";
    AboutIntro: "版本、开源许可，以及核验身份证号的工具", "版本、開源授權，以及核驗身分證號的工具", "Versions, open-source licences, and a tool to check an ID number";
    HistoryToday: "今天", "今天", "Today";
    HistoryYesterday: "昨天", "昨天", "Yesterday";
    HistoryTimes: "（{} 次）", "（{} 次）", " ({} times)";
    RecipientScanned: "出示给扫码的核验方：{}", "出示給掃碼的核驗方：{}", "Shown to whoever scanned it: {}";
    RecipientRequest: "应答核验请求 {}：{}", "回應核驗請求 {}：{}", "Answered verification request {}: {}";
    RecipientCase: "向{}确认身份：{}", "向{}確認身分：{}", "Confirmed your identity to {}: {}";
    ExportCancelled: "已取消，没有导出", "已取消，沒有匯出", "Cancelled; nothing was exported";
    // Consent for identity requests (issue 20, item 3): who asks, for what, what is shared, by when.
    IdConsentTitle: "{}请您确认身份", "{}請您確認身分", "{} asks you to confirm your identity";
    IdConsentMatter: "办理事项", "辦理事項", "Matter";
    MatterCompanyEstablishment: "公司设立登记：{}", "公司設立登記：{}", "Registering a new company: {}";
    MatterCompanyChange: "公司变更登记：{}", "公司變更登記：{}", "Changing a registered company: {}";
    IdConsentRole: "您的身份", "您的身分", "Your role";
    IdConsentShared: "确认后将提供给对方", "確認後將提供給對方", "Given to them if you confirm";
    SharedName: "姓名", "姓名", "Your name";
    SharedIdNumber: "公民身份号码", "公民身分號碼", "Your citizen ID number";
    SharedFaceResult: "刷脸核验结果及时间", "刷臉核驗結果及時間", "The result and time of the face check";
    IdConsentFramesKept: "刷脸画面只用于本次核验，不会提供给对方。", "刷臉畫面只用於本次核驗，不會提供給對方。", "The camera pictures are used for this check only and are never given to them.";
    IdConsentRespondByLabel: "确认期限", "確認期限", "Answer by";
    IdConsentRespondBy: "请在 {} 前确认", "請在 {} 前確認", "Please answer before {}";
    IdConsentDecline: "拒绝 / 不是我办理", "拒絕 / 不是我辦理", "Decline / Not me";
    IdConsentConfirm: "同意，开始刷脸", "同意，開始刷臉", "Agree, start the face check";
    DeclineTitle: "请告诉对方您拒绝的原因", "請告訴對方您拒絕的原因", "Tell them why you decline";
    DeclineRefused: "我不同意此次确认", "我不同意此次確認", "I do not agree to confirm this";
    DeclineNotMe: "这不是我办理的业务", "這不是我辦理的業務", "I did not ask for this";
    DeclineSend: "发送", "發送", "Send";
    DeclineChoose: "请先选择一项原因", "請先選擇一項原因", "Please choose a reason first";
    IdConsentDeclinedTitle: "已拒绝", "已拒絕", "Declined";
    IdConsentDeclinedText: "已告知{}：{}", "已告知{}：{}", "{} has been told: {}";
    IdConsentNotMeHint: "如有疑问，请拨打政务服务便民热线 12345。", "如有疑問，請撥打政務服務便民熱線 12345。", "If in doubt, call the government service hotline 12345.";
    IdConsentDoneTitle: "已确认身份", "已確認身分", "Identity confirmed";
    IdConsentDoneText: "已告知{}：您已本人确认（{}）", "已告知{}：您已本人確認（{}）", "{} has been told that you confirmed in person ({})";
    IdConsentBack: "返回请求列表", "返回請求列表", "Back to the requests";
    IdConsentCannotTitle: "现在无法刷脸确认", "現在無法刷臉確認", "The face check cannot be done now";
    IdConsentGoToHall: "请携带本人身份证到{}窗口确认，或拒绝此次请求。", "請攜帶本人身分證到{}窗口確認，或拒絕此次請求。", "Please confirm in person at {} with your ID card, or decline this request.";
    IdConsentNoPhoto: "公安登记中没有您的照片可供比对。", "公安登記中沒有您的照片可供比對。", "The registry has no photo of you to compare with.";
    IdConsentNoAttempts: "今日刷脸次数已用完，请明天再试。", "今日刷臉次數已用完，請明天再試。", "Today's face checks are used up; try again tomorrow.";
    ErrorRequestExpired: "确认期限已过。", "確認期限已過。", "The time to answer has passed.";
    RequestDeclined: "已拒绝", "已拒絕", "Declined";
    RequestExpired: "已过期", "已過期", "Expired";
    LivenessCancel: "取消", "取消", "Cancel";
    LivenessStepOf: "第 {} 步，共 {} 步", "第 {} 步，共 {} 步", "Step {} of {}";
    LivenessStartTimeout: "核验服务长时间没有响应，请检查网络后重试", "核驗服務長時間沒有回應，請檢查網路後重試", "The check service did not answer; check the connection and try again";
    // 亮证 (the full-screen show page) and the verifier's result page (issue 20, items 1 and 5).
    ShowTitle: "亮证", "亮證", "Show";
    ShowDone: "完成", "完成", "Done";
    ShowLive: "实时出示，截图无效", "即時出示，截圖無效", "Shown live, a screenshot is not valid";
    ShowWatermark: "市民通 实时亮证", "市民通 即時亮證", "Shimin live";
    ShowRefreshIn: "{} 秒后更新", "{} 秒後更新", "New code in {} s";
    ShowChips: "出示哪些信息", "出示哪些資訊", "What to show";
    ShowPhotoAlt: "持证人照片", "持證人照片", "Photo of the holder";
    ShowHint: "请对方扫码。码每 30 秒更新，截图一分钟后失效，请勿转发", "請對方掃碼。碼每 30 秒更新，截圖一分鐘後失效，請勿轉發", "Let the other person scan the code. It changes every 30 s and a screenshot stops working after a minute: never send one";
    VerifyScanPrimary: "扫码核验", "掃碼核驗", "Scan a code";
    VerifyNext: "核验下一位", "核驗下一位", "Check the next person";
    VerdictTitle: "核验结果", "核驗結果", "Result";
    VerifyClose: "关闭", "關閉", "Close";
    VerifyGoToSettings: "去设置", "前往設定", "Open settings";
    VerifyDataAge: "核验数据 {}前已更新", "核驗資料 {}前已更新", "Verification data updated {} ago";
    VerifyDataStale: "核验数据已过期（{}前更新），请联网更新", "核驗資料已過期（{}前更新），請連網更新", "Verification data out of date (updated {} ago); go online to update it";
    // The service hall, 办事 (issue 16, item 5): home, lists, guides.
    TabHall: "办事", "辦事", "Services";
    HallTitle: "办事", "辦事", "Services";
    HallWithoutWallet: "查办事指南（无需解锁）", "查辦事指南（無需解鎖）", "Find a government service (no unlock needed)";
    HallSearchLabel: "搜索办事事项", "搜尋辦事事項", "Search services";
    HallSearchPlaceholder: "想办什么事？如：驾照换证", "想辦什麼事？如：駕照換證", "What do you need? e.g. renew licence";
    HallAudienceLabel: "办事对象", "辦事對象", "Services for";
    HallPerson: "个人办事", "個人辦事", "Individuals";
    HallLegal: "法人办事", "法人辦事", "Businesses";
    HallThemes: "主题服务", "主題服務", "By life event";
    HallServiceCount: "{} 项", "{} 項", "{} services";
    HallDepartments: "按部门查找（{}）", "按部門查找（{}）", "By department ({})";
    HallFavourites: "我的收藏", "我的收藏", "My favourites";
    HallRecent: "最近浏览", "最近瀏覽", "Recently viewed";
    HallFavouritesEmpty: "在办事指南页点“收藏”，常办的事就会出现在这里", "在辦事指南頁點「收藏」，常辦的事就會出現在這裡", "Tap Save on a guide and the services you use will be kept here";
    HallLockedHint: "解锁卡包后，这里显示您的收藏和最近浏览", "解鎖卡包後，這裡顯示您的收藏和最近瀏覽", "Unlock your wallet to see your favourites and recently viewed services here";
    HallEmptyCatalogue: "办事目录还没有下载。请联网后点“刷新”；下载一次之后，没有网络也能查办事指南。", "辦事目錄還沒有下載。請連網後點「重新整理」；下載一次之後，沒有網路也能查辦事指南。", "The service catalogue is not downloaded yet. Go online and tap Refresh; once downloaded, the guides work without a network.";
    HallEmptyNoBackend: "本应用未配置国家平台地址，无法下载办事目录", "本應用未設定國家平台位址，無法下載辦事目錄", "No national platform is configured, so the service catalogue cannot be downloaded";
    HallNoResults: "没有找到与“{}”相关的事项。换个说法试试，如“身份证”“社保卡”，或按主题查找。", "沒有找到與「{}」相關的事項。換個說法試試，如「身分證」「社保卡」，或按主題查找。", "Nothing found for \"{}\". Try other words, such as \"ID card\" or \"social security card\", or browse by life event.";
    HallResultsCount: "共 {} 项", "共 {} 項", "{} services";
    HallSeeAll: "查看全部 {} 项结果", "查看全部 {} 項結果", "See all {} results";
    HallSearchFor: "“{}”的搜索结果", "「{}」的搜尋結果", "Results for \"{}\"";
    HallAllServices: "全部事项", "全部事項", "All services";
    HallFilters: "筛选", "篩選", "Filter";
    HallFilterDepartment: "部门", "部門", "Department";
    HallFilterTheme: "主题", "主題", "Life event";
    HallMore: "显示更多", "顯示更多", "Show more";
    HallListEmpty: "这里暂时没有事项，请返回按其他主题或部门查找", "這裡暫時沒有事項，請返回按其他主題或部門查找", "There are no services here for now; go back and try another life event or department";
    CatalogueServices: "离线目录 · {} 项", "離線目錄 · {} 項", "Offline catalogue · {} services";
    CatalogueUpdated: "已更新 {}", "已更新 {}", "updated {}";
    CatalogueSyncing: "正在更新…", "正在更新…", "updating…";
    CatalogueDownloading: "正在下载离线目录…", "正在下載離線目錄…", "Downloading the offline catalogue…";
    CatalogueOffline: "无法连接，显示本机目录", "無法連線，顯示本機目錄", "offline, showing the copy on this device";
    CatalogueFailed: "更新未完成，显示本机目录", "更新未完成，顯示本機目錄", "update not finished, showing the copy on this device";
    CatalogueNever: "离线目录尚未下载", "離線目錄尚未下載", "The offline catalogue is not downloaded yet";
    CatalogueRefresh: "刷新", "重新整理", "Refresh";
    FlagOnline: "全程网办", "全程網辦", "Fully online";
    FlagAppointment: "可预约", "可預約", "Appointments";
    FlagDelivery: "快递送达", "快遞送達", "Sent by post";
    FlagPayment: "网上支付", "網上支付", "Pay online";
    FlagImmediate: "即办件", "即辦件", "Done on the spot";
    FlagPromised: "承诺 {}", "承諾 {}", "Promised in {}";
    FlagVisits: "到现场 {} 次", "到現場 {} 次", "In person: {} visits";
    FlagVisitOnce: "到现场 1 次", "到現場 1 次", "In person: one visit";
    FlagNoVisit: "不用跑", "不用跑", "No visit needed";
    LimitImmediate: "即办", "即辦", "on the spot";
    LimitWorkingDays: "{} 个工作日", "{} 個工作日", "{} working days";
    LimitWorkingDay: "{} 个工作日", "{} 個工作日", "{} working day";
    LimitCalendarDays: "{} 个自然日", "{} 個自然日", "{} calendar days";
    LimitCalendarDay: "{} 个自然日", "{} 個自然日", "{} calendar day";
    LimitHours: "{} 小时", "{} 小時", "{} hours";
    LimitHour: "{} 小时", "{} 小時", "{} hour";
    LimitMonths: "{} 个月", "{} 個月", "{} months";
    LimitMonth: "{} 个月", "{} 個月", "{} month";
    FeeFree: "不收费", "不收費", "free";
    FeeYuan: "{} 元", "{} 元", "CNY {}";
    ReuseUnconditional: "一次提交、长期复用", "一次提交、長期復用", "Given once, reused from then on";
    ReuseWithinValidity: "有效期内可复用", "有效期內可復用", "Reused while it is valid";
    ReuseWithoutLimit: "可复用", "可復用", "Can be reused";
    ReuseNever: "每次需提交", "每次需提交", "Needed every time";
    MaterialInWallet: "已在卡包", "已在卡包", "In your wallet";
    MaterialRequired: "必需", "必需", "Required";
    MaterialConditional: "条件：{}", "條件：{}", "Only if: {}";
    MaterialOriginals: "原件 {} 份", "正本 {} 份", "Originals: {}";
    MaterialCopies: "复印件 {} 份", "影本 {} 份", "Copies: {}";
    MaterialIssuer: "出具单位：{}", "出具單位：{}", "Issued by: {}";
    MaterialFormPaper: "纸质材料", "紙本材料", "On paper";
    MaterialFormElectronic: "电子材料", "電子材料", "Electronic";
    MaterialFormEither: "纸质或电子", "紙本或電子", "Paper or electronic";
    MaterialWalletHint: "卡包中有有效的{}即可免交", "卡包中有有效的{}即可免交", "A valid {} in your wallet is accepted instead";
    MaterialBlankForm: "空白表格：{}", "空白表格：{}", "Blank form: {}";
    MaterialSample: "示例样表：{}", "示例樣表：{}", "Filled-in sample: {}";
    GuideBarTitle: "办事指南", "辦事指南", "Service guide";
    GuideCode: "事项编码 {}", "事項編碼 {}", "Code {}";
    GuideFlags: "办理方式", "辦理方式", "How it is done";
    GuideMaterials: "申请材料", "申請材料", "Documents needed";
    GuideConditions: "受理条件", "受理條件", "Who can apply";
    GuideSteps: "办理流程", "辦理流程", "Steps";
    GuideStepLimit: "时限：{}", "時限：{}", "Time: {}";
    GuideLimits: "办理时限", "辦理時限", "Time limits";
    GuideStatutory: "法定时限", "法定時限", "By law";
    GuidePromised: "承诺时限", "承諾時限", "Promised";
    GuideFees: "收费", "收費", "Fees";
    GuidePlaces: "办理地点与时间", "辦理地點與時間", "Where and when";
    GuideWindows: "窗口：{}", "窗口：{}", "Windows: {}";
    GuideHours: "时间：{}", "時間：{}", "Hours: {}";
    GuideContact: "咨询与监督", "諮詢與監督", "Questions and complaints";
    GuideConsultPhone: "咨询电话 {}", "諮詢電話 {}", "Questions: {}";
    GuideSupervisePhone: "监督电话 {}", "監督電話 {}", "Complaints: {}";
    GuideBasis: "设定依据", "設定依據", "Legal basis";
    GuideFaq: "常见问题", "常見問題", "Common questions";
    GuideResult: "办理结果", "辦理結果", "What you get";
    GuideResultCertificate: "电子证照，办结后自动进入卡包：{}", "電子證照，辦結後自動進入卡包：{}", "An e-certificate that goes into your wallet when done: {}";
    GuideFavourite: "收藏", "收藏", "Save";
    GuideFavourited: "已收藏", "已收藏", "Saved";
    GuideApply: "在线办理", "線上辦理", "Apply online";
    GuideApplySoon: "在线办理即将开放，现在请按上面的地点和材料到现场办理", "線上辦理即將開放，現在請按上面的地點和材料到現場辦理", "Applying online is coming soon; for now, apply in person with the documents and at the places above";
    GuideSuspended: "此事项暂停办理", "此事項暫停辦理", "This service is suspended for now";
    GuideUntranslated: "部分内容暂无译文，以简体中文显示", "部分內容暫無譯文，以簡體中文顯示", "Some parts have no translation yet and are shown in Chinese";
    ItemType00: "行政权力", "行政權力", "Administrative power";
    ItemType01: "行政许可", "行政許可", "Licence or permit";
    ItemType02: "行政处罚", "行政處罰", "Penalty";
    ItemType03: "行政强制", "行政強制", "Enforcement";
    ItemType04: "行政征收", "行政徵收", "Levy";
    ItemType05: "行政给付", "行政給付", "Benefit";
    ItemType06: "行政检查", "行政檢查", "Inspection";
    ItemType07: "行政确认", "行政確認", "Registration or confirmation";
    ItemType08: "行政奖励", "行政獎勵", "Award";
    ItemType09: "行政裁决", "行政裁決", "Ruling";
    ItemType10: "其他行政权力", "其他行政權力", "Other administrative power";
    ItemType20: "公共服务", "公共服務", "Public service";
    ApplyTitle: "在线办理", "線上辦理", "Apply online";
    ApplyForm: "填写申请表", "填寫申請表", "The application form";
    ApplyRequired: "必填", "必填", "required";
    ApplyPrefilled: "已从卡包填入", "已從卡包填入", "Filled in from your wallet";
    ApplyChoose: "请选择", "請選擇", "Choose";
    ApplyYes: "是", "是", "Yes";
    ApplyNo: "否", "否", "No";
    ApplyMaterials: "申请材料", "申請材料", "Documents";
    ApplyFromWallet: "来自卡包：{} ✓", "來自卡包：{} ✓", "From your wallet: {}, ready";
    ApplyFromLibrary: "材料库：已被部门收取过的材料", "材料庫：已被部門收取過的材料", "Document library: accepted by a department before";
    ApplyUpload: "上传文件（JPEG、PNG 或 PDF，不超过 10 MB）", "上傳檔案（JPEG、PNG 或 PDF，不超過 10 MB）", "Upload a file (JPEG, PNG or PDF, up to 10 MB)";
    ApplyUploaded: "已选文件 ✓", "已選檔案 ✓", "File chosen";
    ApplyNotGiven: "不提供", "不提供", "Not giving it";
    ApplySourceLabel: "材料来源", "材料來源", "Where it comes from";
    ApplyOnlyIf: "如：{}", "如：{}", "If: {}";
    ApplyWhyNotCertificateExpired: "卡包中的{}已过期，不能使用", "卡包中的{}已過期，不能使用", "The {} in your wallet has expired and cannot be used";
    ApplyWhyNotCertificateNotValid: "卡包中的{}已失效，不能使用", "卡包中的{}已失效，不能使用", "The {} in your wallet is not valid now and cannot be used";
    ApplyWhyNotLibraryExpired: "材料库中的这份材料已过有效期", "材料庫中的這份材料已過有效期", "The copy in your document library is past its validity";
    ApplyWhyNotNeverReused: "此材料每次须重新提供", "此材料每次須重新提供", "This document must be given anew each time";
    ApplyWhyNotPaperOnly: "此材料须提交纸质原件", "此材料須提交紙本原件", "This document must be given on paper";
    ApplySubmit: "提交", "提交", "Submit";
    ApplySubmitting: "正在提交…", "正在提交…", "Submitting…";
    ApplyFixAll: "请修改以下 {} 项后再提交：", "請修改以下 {} 項後再提交：", "Please fix these {} before submitting:";
    ApplyFindings: "提交前检查发现以下问题：", "提交前檢查發現以下問題：", "The checks before sending found:";
    ApplyUploadMissing: "所选文件已失效，请重新选择", "所選檔案已失效，請重新選擇", "The chosen file is gone; please choose it again";
    ApplyUploadEmpty: "文件是空的", "檔案是空的", "The file is empty";
    ApplyUploadTooLarge: "文件太大，不能超过 10 MB", "檔案太大，不能超過 10 MB", "The file is too large: at most 10 MB";
    ApplyUploadNotAllowed: "只能上传 JPEG、PNG 或 PDF 文件", "只能上傳 JPEG、PNG 或 PDF 檔案", "Only JPEG, PNG or PDF files can be uploaded";
    ApplyUploadMismatch: "文件内容与扩展名不符", "檔案內容與副檔名不符", "The file is not what its name says";
    ApplyUploadBadPicture: "图片无法读取或太大", "圖片無法讀取或太大", "The picture cannot be read or is too large";
    ApplyUploadPdfIncomplete: "PDF 文件不完整", "PDF 檔案不完整", "The PDF is incomplete";
    ProblemMissing: "请填写此项", "請填寫此項", "Please fill this in";
    ProblemWrongType: "格式不对", "格式不對", "Not in the right form";
    ProblemTooShort: "至少 {} 个字", "至少 {} 個字", "At least {} characters";
    ProblemTooLong: "最多 {} 个字", "最多 {} 個字", "At most {} characters";
    ProblemBadCharacters: "含有不能使用的字符", "含有不能使用的字元", "Contains characters that cannot be used";
    ProblemNotANumber: "请填写数字", "請填寫數字", "Please enter a number";
    ProblemTooManyPlaces: "小数最多 {} 位", "小數最多 {} 位", "At most {} digits after the point";
    ProblemBelowMinimum: "不能小于 {}", "不能小於 {}", "Not less than {}";
    ProblemAboveMaximum: "不能大于 {}", "不能大於 {}", "Not more than {}";
    ProblemNotADate: "请填写日期", "請填寫日期", "Please enter a date";
    ProblemTooEarly: "不能早于 {}", "不能早於 {}", "Not before {}";
    ProblemTooLate: "不能晚于 {}", "不能晚於 {}", "Not after {}";
    ProblemNotAnOption: "请从列表中选择", "請從列表中選擇", "Please choose from the list";
    ProblemTooFewChoices: "至少选择 {} 项", "至少選擇 {} 項", "Choose at least {}";
    ProblemTooManyChoices: "最多选择 {} 项", "最多選擇 {} 項", "Choose at most {}";
    ProblemBadIdNumber: "身份证号码不正确", "身分證號碼不正確", "Not a valid ID number";
    ProblemBadCreditCode: "统一社会信用代码不正确", "統一社會信用代碼不正確", "Not a valid unified social credit code";
    ProblemBadPhone: "电话号码不正确", "電話號碼不正確", "Not a valid phone number";
    ProblemOutOfOrder: "不能早于「{}」", "不能早於「{}」", "Cannot come before \"{}\"";
    FindingServiceNotOpen: "此事项现在不能在线办理", "此事項現在不能線上辦理", "This service cannot be applied for online now";
    FindingMaterialMissing: "缺少材料：{}", "缺少材料：{}", "Missing: {}";
    FindingSourceNotAccepted: "此来源不能用于材料：{}", "此來源不能用於材料：{}", "This source cannot be used for: {}";
    FindingUpload: "上传的文件不被接受：{}", "上傳的檔案不被接受：{}", "The file is not accepted: {}";
    FindingPresentation: "卡包证照未通过核验：{}", "卡包證照未通過核驗：{}", "The wallet certificate did not verify: {}";
    FindingAnswerDiffers: "填写内容与证照不一致：{}", "填寫內容與證照不一致：{}", "What you entered differs from the certificate: {}";
    FindingOther: "其他问题：{}", "其他問題：{}", "Another problem: {}";
    MyApplications: "我的办件", "我的辦件", "My applications";
    MyApplicationsEmpty: "还没有办件", "還沒有辦件", "No applications yet";
    ApplicationStored: "已保存，联网后自动发送", "已儲存，連網後自動發送", "Saved; it is sent when you are online";
    ApplicationWaiting: "待发送", "待發送", "Waiting to send";
    ApplicationRefused: "未通过预审", "未通過預審", "Refused by the checks";
    ApplicationSubmitted: "已提交", "已提交", "Submitted";
    ApplicationPreReview: "预审中", "預審中", "Being checked";
    ApplicationCorrection: "待补正", "待補正", "Correction asked";
    ApplicationNotAccepted: "不予受理", "不予受理", "Not accepted";
    ApplicationInApproval: "已受理", "已受理", "Accepted";
    ApplicationApproved: "已批准", "已批准", "Approved";
    ApplicationRefusedDecision: "不予批准", "不予批准", "Refused";
    ApplicationResultIssued: "已出证", "已出證", "Result issued";
    ApplicationClosed: "已办结", "已辦結", "Closed";
    ApplicationCreated: "提交时间 {}", "提交時間 {}", "Made {}";
    ApplicationCaseNo: "办件编号 {}", "辦件編號 {}", "Case number {}";
    ApplicationTimeline: "办理进度", "辦理進度", "Progress";
    ApplicationNoTimeline: "发送后可在此查看办理进度", "發送後可在此查看辦理進度", "The progress shows here once it is sent";
    ApplicationHolder: "承办：{}", "承辦：{}", "With: {}";
    ApplicationDue: "期限 {}", "期限 {}", "Due {}";
    ApplicationOffline: "离线，显示上次获取的进度", "離線，顯示上次取得的進度", "Offline: the progress last fetched";
}

/// The text of `key` in `lang`. `{}` in a text is filled in by [`tf`].
pub fn t(lang: Language, key: Key) -> &'static str {
    key.texts()[index(lang)]
}

/// [`t`] with each `{}` replaced, in order, by one of `args`.
pub fn tf(lang: Language, key: Key, args: &[&str]) -> String {
    let mut out = String::new();
    let mut rest = t(lang, key);
    let mut args = args.iter();
    while let Some(i) = rest.find("{}") {
        out.push_str(&rest[..i]);
        out.push_str(args.next().copied().unwrap_or(""));
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    out
}

/// What to tell the user for the liveness check's guidance.
pub fn guidance_key(guidance: GuidanceView) -> Key {
    match guidance {
        GuidanceView::FaceNotFound => Key::GuideFaceNotFound,
        GuidanceView::OneFaceOnly => Key::GuideOneFace,
        GuidanceView::MoveCloser => Key::GuideMoveCloser,
        GuidanceView::MoveBack => Key::GuideMoveBack,
        GuidanceView::CenterFace => Key::GuideCenter,
        GuidanceView::MoreLight => Key::GuideMoreLight,
        GuidanceView::LessLight => Key::GuideLessLight,
        GuidanceView::HoldStill => Key::GuideHoldStill,
        GuidanceView::LookStraight => Key::GuideLookStraight,
        GuidanceView::Blink => Key::GuideBlink,
        GuidanceView::OpenMouth => Key::GuideOpenMouth,
        GuidanceView::ShakeHead => Key::GuideShake,
        GuidanceView::TurnLeft => Key::GuideTurnLeft,
        GuidanceView::TurnRight => Key::GuideTurnRight,
        GuidanceView::Nod => Key::GuideNod,
        GuidanceView::RaiseHead => Key::GuideRaiseHead,
        GuidanceView::Done => Key::GuideDone,
    }
}

/// The name of an action of the liveness challenge.
pub fn action_key(action: ActionView) -> Key {
    match action {
        ActionView::Blink => Key::ActionBlink,
        ActionView::MouthOpen => Key::ActionMouth,
        ActionView::ShakeHead => Key::ActionShake,
        ActionView::Nod => Key::ActionNod,
    }
}

/// Why a liveness check failed on this device.
pub fn failure_key(reason: LivenessFailureView) -> Key {
    match reason {
        LivenessFailureView::Timeout => Key::LivenessFailedTimeout,
        LivenessFailureView::WrongAction => Key::LivenessFailedWrongAction,
        LivenessFailureView::FaceLost => Key::LivenessFailedFaceLost,
        LivenessFailureView::FaceChanged => Key::LivenessFailedFaceChanged,
        LivenessFailureView::SeveralFaces => Key::LivenessFailedSeveralFaces,
        LivenessFailureView::StreamEnded => Key::LivenessFailedStreamEnded,
        // A frame out of order is the camera's doing, as is a frame that could not be read.
        LivenessFailureView::TimeWentBack | LivenessFailureView::Camera => Key::LivenessFailedCamera,
    }
}

/// The label of the attribute `name` (as the core names it), if the UI knows it.
pub fn attribute_key(name: &str) -> Option<Key> {
    Some(match name {
        "certificate_number" => Key::AttrCertificateNumber,
        "issuer_name" => Key::AttrIssuerName,
        "issue_date" => Key::AttrIssueDate,
        "name" => Key::AttrName,
        "id_number" => Key::AttrIdNumber,
        "id_number_masked" => Key::AttrIdNumberMasked,
        "sex" => Key::AttrSex,
        "birth_date" => Key::AttrBirthDate,
        "age_over_18" => Key::AttrAgeOver18,
        "ethnicity" => Key::AttrEthnicity,
        "address" => Key::AttrAddress,
        "photo" => Key::AttrPhoto,
        "name_pinyin" => Key::AttrNamePinyin,
        "residence_address" => Key::AttrResidenceAddress,
        "household_number" => Key::AttrHouseholdNumber,
        "head_of_household" => Key::AttrHeadOfHousehold,
        "relation_to_head" => Key::AttrRelationToHead,
        "birthplace" => Key::AttrBirthplace,
        "nationality" => Key::AttrNationality,
        "vehicle_classes" => Key::AttrVehicleClasses,
        "first_issue_date" => Key::AttrFirstIssueDate,
        "file_number" => Key::AttrFileNumber,
        "hk_endorsement_kind" => Key::AttrHkEndorsementKind,
        "hk_endorsement_entries" => Key::AttrHkEndorsementEntries,
        "hk_endorsement_valid_until" => Key::AttrHkEndorsementValidUntil,
        "macau_endorsement_kind" => Key::AttrMacauEndorsementKind,
        "macau_endorsement_entries" => Key::AttrMacauEndorsementEntries,
        "macau_endorsement_valid_until" => Key::AttrMacauEndorsementValidUntil,
        "spouse_name" => Key::AttrSpouseName,
        "spouse_id_number" => Key::AttrSpouseIdNumber,
        "spouse_sex" => Key::AttrSpouseSex,
        "spouse_birth_date" => Key::AttrSpouseBirthDate,
        "registration_date" => Key::AttrRegistrationDate,
        "credit_code" => Key::AttrCreditCode,
        "company_kind" => Key::AttrCompanyKind,
        "legal_representative" => Key::AttrLegalRepresentative,
        "registered_capital_yuan" => Key::AttrRegisteredCapitalYuan,
        "established" => Key::AttrEstablished,
        "business_term_until" => Key::AttrBusinessTermUntil,
        "business_scope" => Key::AttrBusinessScope,
        "degree_level" => Key::AttrDegreeLevel,
        "discipline" => Key::AttrDiscipline,
        "major" => Key::AttrMajor,
        "university" => Key::AttrUniversity,
        "conferral_date" => Key::AttrConferralDate,
        _ => return None,
    })
}

/// The label of an attribute in `lang`, or its code name when the UI does not know it.
pub fn attribute_label(lang: Language, name: &str) -> String {
    attribute_key(name).map_or_else(|| name.to_owned(), |k| t(lang, k).to_owned())
}

/// The name of a certificate type, by the core's slug.
pub fn type_key(slug: &str) -> Option<Key> {
    Some(match slug {
        "resident-id-card" => Key::TypeResidentIdCard,
        "household-register" => Key::TypeHouseholdRegister,
        "residence-permit" => Key::TypeResidencePermit,
        "hk-macau-travel-permit" => Key::TypeHkMacauTravelPermit,
        "driving-licence" => Key::TypeDrivingLicence,
        "marriage-certificate" => Key::TypeMarriageCertificate,
        "business-licence" => Key::TypeBusinessLicence,
        "degree-certificate" => Key::TypeDegreeCertificate,
        _ => return None,
    })
}

/// An age in seconds as the largest whole unit: "3 小时", "5 min".
pub fn age_text(lang: Language, seconds: u64) -> String {
    let (n, key) = match seconds {
        0..60 => (seconds, Key::AgeSeconds),
        60..3_600 => (seconds / 60, Key::AgeMinutes),
        3_600..86_400 => (seconds / 3_600, Key::AgeHours),
        _ => (seconds / 86_400, Key::AgeDays),
    };
    tf(lang, key, &[&n.to_string()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_translated_into_every_language() {
        for &key in Key::ALL {
            for lang in Language::ALL {
                assert!(!t(lang, key).trim().is_empty(), "{key:?} in {lang:?}");
            }
            // English must not fall back to Chinese by copy-paste (an ellipsis and the middle
            // dot that separates the parts of a status line are punctuation, not Chinese).
            assert!(
                t(Language::En, key).chars().all(|c| c.is_ascii() || c == '…' || c == '·'),
                "{key:?} in English is not English"
            );
        }
    }

    #[test]
    fn placeholders_agree_across_languages() {
        for &key in Key::ALL {
            let n = t(Language::ZhHans, key).matches("{}").count();
            for lang in Language::ALL {
                assert_eq!(t(lang, key).matches("{}").count(), n, "{key:?} in {lang:?}");
            }
        }
    }

    /// Chinese texts say 密码 (6 位数字密码), the word people use, never the acronym PIN.
    #[test]
    fn no_chinese_text_says_pin() {
        for &key in Key::ALL {
            for lang in [Language::ZhHans, Language::ZhHant] {
                assert!(
                    !t(lang, key).to_uppercase().contains("PIN"),
                    "{key:?} in {lang:?}: {}",
                    t(lang, key)
                );
            }
        }
        assert!(t(Language::ZhHans, Key::PinLabel).contains("6 位数字密码"));
        assert!(t(Language::ZhHant, Key::PinLabel).contains("6 位數字密碼"));
    }

    #[test]
    fn tf_fills_placeholders_in_order() {
        assert_eq!(
            tf(Language::En, Key::IdWrongLength, &["3"]),
            "The number has 18 characters; this one has 3"
        );
    }

    #[test]
    fn each_liveness_guidance_and_failure_has_its_own_words() {
        use GuidanceView as G;
        let guidance = [
            G::FaceNotFound,
            G::OneFaceOnly,
            G::MoveCloser,
            G::MoveBack,
            G::CenterFace,
            G::MoreLight,
            G::LessLight,
            G::HoldStill,
            G::LookStraight,
            G::Blink,
            G::OpenMouth,
            G::ShakeHead,
            G::TurnLeft,
            G::TurnRight,
            G::Nod,
            G::RaiseHead,
            G::Done,
        ];
        let keys: Vec<Key> = guidance.into_iter().map(guidance_key).collect();
        for (i, key) in keys.iter().enumerate() {
            assert!(!keys[..i].contains(key), "{:?} is worded like another guidance", guidance[i]);
        }
        assert_eq!(failure_key(LivenessFailureView::Timeout), Key::LivenessFailedTimeout);
        assert_eq!(failure_key(LivenessFailureView::Camera), Key::LivenessFailedCamera);
        assert_eq!(action_key(ActionView::MouthOpen), Key::ActionMouth);
    }

    #[test]
    fn attribute_and_type_labels_resolve() {
        assert_eq!(attribute_label(Language::En, "id_number_masked"), "ID number (masked)");
        assert_eq!(attribute_label(Language::ZhHans, "hk_endorsement_valid_until"), "香港签注有效期至");
        assert_eq!(attribute_label(Language::En, "unknown_thing"), "unknown_thing");
        assert_eq!(type_key("driving-licence"), Some(Key::TypeDrivingLicence));
        assert_eq!(age_text(Language::En, 3_700), "1 h");
    }
}
