//! What the user should do now during a liveness check, a word for the UI to translate.

/// What the user should do now. The UI turns it into words in the user's language ("请眨眼").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guidance {
    /// No face in view: put your face in the frame.
    FaceNotFound,
    /// More than one face: only one person in front of the camera.
    OneFaceOnly,
    /// The face is too small: come closer.
    MoveCloser,
    /// The face is too large: move back.
    MoveBack,
    /// The face is off centre: centre it in the frame.
    CenterFace,
    /// Too dark: find more light.
    MoreLight,
    /// Too bright: avoid a light shining into the face.
    LessLight,
    /// Blurred or moving during calibration: hold still.
    HoldStill,
    /// Look straight at the camera with eyes open and mouth closed.
    LookStraight,
    /// Blink (请眨眼).
    Blink,
    /// Open your mouth (请张嘴).
    OpenMouth,
    /// Shake your head (请摇头).
    ShakeHead,
    /// Turn your head to your left (请向左转头).
    TurnLeft,
    /// Turn your head to your right (请向右转头).
    TurnRight,
    /// Nod (请点头).
    Nod,
    /// Head down: now bring it back up.
    RaiseHead,
    /// Finished (passed or failed: see the outcome).
    Done,
}

impl Guidance {
    /// A stable key for the UI's translation tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Guidance::FaceNotFound => "face_not_found",
            Guidance::OneFaceOnly => "one_face_only",
            Guidance::MoveCloser => "move_closer",
            Guidance::MoveBack => "move_back",
            Guidance::CenterFace => "center_face",
            Guidance::MoreLight => "more_light",
            Guidance::LessLight => "less_light",
            Guidance::HoldStill => "hold_still",
            Guidance::LookStraight => "look_straight",
            Guidance::Blink => "blink",
            Guidance::OpenMouth => "open_mouth",
            Guidance::ShakeHead => "shake_head",
            Guidance::TurnLeft => "turn_left",
            Guidance::TurnRight => "turn_right",
            Guidance::Nod => "nod",
            Guidance::RaiseHead => "raise_head",
            Guidance::Done => "done",
        }
    }
}
