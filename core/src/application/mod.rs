//! Online applications (办件, issue 17), with no I/O: the approval workflow and its deadlines in
//! working days, the signed case QR (办件二维码) and the signed result document. The backend
//! stores the state and the events; the app and the desk show them.

pub mod workflow;
