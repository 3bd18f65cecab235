#include "record/certificate_validity.h"

#include <openssl/asn1.h>
#include <openssl/x509.h>

namespace mrscreen::record {

namespace {

std::string isoUtc(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

std::string isoUtc(const ASN1_TIME* time) {
    std::tm tm{};
    if (!ASN1_TIME_to_tm(time, &tm))
        return "(an unreadable date)";
    return isoUtc(timegm(&tm));
}

} // namespace

CertificateValidity validityAt(const X509* certificate, std::time_t signedAt) {
    if (X509_cmp_time(X509_get0_notBefore(certificate), &signedAt) > 0)
        return CertificateValidity::NotYetValid;
    if (X509_cmp_time(X509_get0_notAfter(certificate), &signedAt) < 0)
        return CertificateValidity::Expired;
    return CertificateValidity::Valid;
}

std::string signingRefusal(const X509* certificate, std::time_t signedAt) {
    switch (validityAt(certificate, signedAt)) {
    case CertificateValidity::NotYetValid:
        return "cannot sign: the site certificate is valid only from " +
               isoUtc(X509_get0_notBefore(certificate)) + " and the signing time is " +
               isoUtc(signedAt) +
               ", so the record would never verify; check this computer's date, time and time "
               "zone (NTP), or install a site certificate that is valid now";
    case CertificateValidity::Expired:
        return "cannot sign: the site certificate expired on " +
               isoUtc(X509_get0_notAfter(certificate)) + " (signing time " + isoUtc(signedAt) +
               "), so the record would never verify; install the renewed certificate, or move the "
               "old key and certificate aside, run `mrscreen keygen` and pin the new certificate";
    case CertificateValidity::Valid:
        break;
    }
    return "";
}

} // namespace mrscreen::record
