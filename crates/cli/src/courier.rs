//! The HTTPS courier for exchanges online: `corridor-transport` with the CAs
//! of `--partner-ca`, handed to the use cases as a `corridor_app::online::Courier`.

use corridor_app::online::Courier;

use crate::Ctx;
use crate::exit::{Code, Failure, Result};

pub(crate) struct Https(corridor_transport::Trust);

impl Courier for Https {
    fn post(&self, address: &str, message: &str) -> corridor_app::Result<(u16, String)> {
        corridor_transport::post(address, &self.0, message)
            .map(|r| (r.status, r.body))
            .map_err(|e| corridor_app::Error::Partner(e.to_string()))
    }
}

/// The courier, or what to give for one.
pub(crate) fn https(ctx: &Ctx) -> Result<Https> {
    let ca = ctx.partner_ca.as_ref().ok_or_else(|| {
        Failure::new(
            Code::BadInput,
            anyhow::anyhow!(
                "exchanging online needs --partner-ca FILE (the CAs partners' certificates are checked against), or --out to write a file"
            ),
        )
    })?;
    corridor_transport::Trust::from_pem_file(ca)
        .map(Https)
        .map_err(|e| Failure::new(Code::BadInput, e))
}
