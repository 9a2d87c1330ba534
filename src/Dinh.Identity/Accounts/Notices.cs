using Dinh.Identity.Persistence;
using Dinh.Platform.Messaging;

namespace Dinh.Identity.Accounts;

/// <summary>
/// Notices to the account's verified phone, queued in the outbox with the change they announce (same transaction).
/// Plain ASCII Vietnamese with English: SMS gateways bill Unicode messages as several parts.
/// </summary>
internal static class Notices
{
    public static void Level2(AccountsDbContext db, Account account, bool newAccount)
    {
        if (account.PhoneNumber is not { } phone || !account.PhoneNumberConfirmed)
        {
            return;
        }
        var text = newAccount
            ? "Dinh: tai khoan dinh danh dien tu muc 2 cua ban da duoc tao. Dat mat khau tai /account/reset. / Your level-2 e-ID account is ready; set a password at /account/reset."
            : "Dinh: tai khoan dinh danh dien tu cua ban da duoc nang len muc 2. / Your e-ID account is now at level 2.";
        db.Send(new OutgoingMessage(MessageChannel.Sms, phone, null, text, "notice.level2"));
    }

    /// <summary>To the account's verified phone, or the phone given at the counter by a citizen without an account.</summary>
    public static void Level2Refused(AccountsDbContext db, string? phone)
    {
        if (phone is not null)
        {
            db.Send(new OutgoingMessage(MessageChannel.Sms, phone, null,
                "Dinh: yeu cau tai khoan dinh danh muc 2 cua ban khong duoc chap nhan. Lien he co quan cong an da tiep nhan. / Your level-2 e-ID application was refused; contact the police office that received it.",
                "notice.level2-refused"));
        }
    }

    public static void Locked(AccountsDbContext db, Account account)
    {
        if (account.PhoneNumber is { } phone && account.PhoneNumberConfirmed)
        {
            db.Send(new OutgoingMessage(MessageChannel.Sms, phone, null,
                "Dinh: tai khoan dinh danh dien tu cua ban da bi khoa. Lien he cong an xa, phuong. / Your e-ID account has been locked; contact a commune police office.",
                "notice.locked"));
        }
    }

    public static void Unlocked(AccountsDbContext db, Account account)
    {
        if (account.PhoneNumber is { } phone && account.PhoneNumberConfirmed)
        {
            db.Send(new OutgoingMessage(MessageChannel.Sms, phone, null,
                "Dinh: tai khoan dinh danh dien tu cua ban da duoc mo khoa. / Your e-ID account has been unlocked.",
                "notice.unlocked"));
        }
    }
}
