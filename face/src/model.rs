//! Loading an embedded ONNX model and running it on one NHWC image: the part the detector and
//! the mesh share. Each model then reads its own outputs.

use std::sync::Arc;

use tract_onnx::prelude::*;

use crate::error::FaceError;

/// An optimised, runnable model and the name its errors carry.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    runnable: Arc<TypedRunnableModel>,
    name: &'static str,
}

impl Model {
    /// Reads, optimises and prepares the ONNX `bytes`.
    pub(crate) fn load(name: &'static str, bytes: &[u8]) -> Result<Self, FaceError> {
        let runnable = tract_onnx::onnx()
            .model_for_read(&mut &bytes[..])
            .and_then(|m| m.into_optimized())
            .and_then(|m| m.into_runnable())
            .map_err(|e| FaceError::model(name, e))?;
        Ok(Self { runnable, name })
    }

    /// The model's name, for errors.
    pub(crate) fn name(&self) -> &'static str {
        self.name
    }

    /// Runs the model on a `1 × side × side × 3` input and returns every output as flat `f32`s.
    pub(crate) fn run_nhwc(&self, side: usize, input: &[f32]) -> Result<Vec<Vec<f32>>, FaceError> {
        let tensor =
            Tensor::from_shape(&[1, side, side, 3], input).map_err(|e| FaceError::model(self.name, e))?;
        let outputs =
            self.runnable.run(tvec!(tensor.into_tvalue())).map_err(|e| FaceError::model(self.name, e))?;
        outputs
            .iter()
            .map(|out| {
                out.try_as_plain_ram()
                    .and_then(|v| v.as_slice::<f32>())
                    .map(<[f32]>::to_vec)
                    .map_err(|e| FaceError::model(self.name, e))
            })
            .collect()
    }
}
