// Whether a certificate covers a signing time, at the whole second the CMS signing time holds:
// signPdf refuses to sign outside it (such a record would never verify) and verifyPdf rejects a
// signature made outside it, by the same comparison.
#pragma once

#include <ctime>
#include <string>

struct x509_st;

namespace mrscreen::record {

enum class CertificateValidity { Valid, NotYetValid, Expired };

CertificateValidity validityAt(const x509_st* certificate, std::time_t signedAt);

// Why the site certificate cannot sign at `signedAt` and what to do, or "" when it can.
std::string signingRefusal(const x509_st* certificate, std::time_t signedAt);

} // namespace mrscreen::record
