// Sends DICOM files to the hospital's PACS (C-STORE, one association per call).
#pragma once

#include "integration/dicom_peer.h"

#include <string>

namespace mrscreen::integration {

// Sends the Part 10 file at `path`; returns the storage commitment-free status detail ("stored as
// 2.25.… at PACS at host:port"). Throws DicomError when the server is down, refuses the
// association or the instance (the status it gave), or times out.
std::string storeToPacs(const DicomPeer& pacs, const std::string& path);

} // namespace mrscreen::integration
