// Sends DICOM files to the hospital's PACS (C-STORE, one association per call).
#pragma once

#include "integration/dicom_peer.h"

#include <string>

namespace mrscreen::integration {

// Sends the Part 10 file at `path`, proposing its SOP class in explicit and implicit VR little
// endian; returns the detail to audit ("stored as 2.25.… at PACS at host:port", plus " with a
// warning: …" when PACS stored it with a warning status; no storage commitment). Throws DicomError
// when the file is not DICOM, the server is down, refuses the association, the SOP class or the
// instance (naming the status it gave and what to do), or does not answer within timeoutSeconds.
std::string storeToPacs(const DicomPeer& pacs, const std::string& path);

} // namespace mrscreen::integration
