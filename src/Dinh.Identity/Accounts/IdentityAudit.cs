using Dinh.Platform.Auditing;

namespace Dinh.Identity.Accounts;

internal static class IdentityAudit
{
    public static AuditEvent Of(string actor, string action, string subject, string purpose, string legalBasis, string? requestId, string? details) =>
        new(actor, action, purpose) { Subject = subject, LegalBasis = legalBasis, RequestId = requestId, Details = details };
}
