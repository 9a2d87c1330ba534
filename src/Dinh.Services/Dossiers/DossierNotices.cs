using System.Security.Cryptography;
using Dinh.Identity.Contracts;
using Dinh.Platform.Messaging;
using Dinh.Services.Persistence;

namespace Dinh.Services.Dossiers;

/// <summary>
/// Tells the applicant of each status change by SMS through the outbox, in the transaction of the change: a rolled
/// back decision sends nothing. The text names the receipt code and the status, never personal data.
/// </summary>
internal sealed class DossierNotices(SignedInCitizens accounts)
{
    public async Task QueueAsync(ServicesDbContext db, Guid accountId, string receiptCode, string statusVi, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (await accounts.ConfirmedPhoneAsync(accountId, cancellationToken) is not { } phone)
        {
            return;
        }
        db.Send(new OutgoingMessage(MessageChannel.Sms, phone, null,
            $"Dinh: ho so {receiptCode} {statusVi}. Xem chi tiet tai Cong dich vu cong > Ho so cua toi.", "services.dossier.status"));
    }

    public static string StatusText(DossierStatus status) => status switch
    {
        DossierStatus.Submitted => "da duoc tiep nhan",
        DossierStatus.InReview => "dang duoc xu ly",
        DossierStatus.SupplementRequested => "can bo sung giay to",
        DossierStatus.Approved => "da co ket qua",
        DossierStatus.Rejected => "bi tu choi",
        DossierStatus.Withdrawn => "da duoc rut",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>A receipt code: the commune, the filing day and 6 random characters without look-alikes (no 0/O, 1/I).</summary>
    public static string ReceiptCode(string unitCode, DateOnly filedOn)
    {
        const string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        Span<char> random = stackalloc char[6];
        for (var i = 0; i < random.Length; i++)
        {
            random[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }
        return $"{unitCode}-{filedOn:yyMMdd}-{random}";
    }
}
