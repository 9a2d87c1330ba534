using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dinh.Identity.Accounts;
using Dinh.Identity.Level2;
using Dinh.Identity.Persistence;
using Dinh.Platform;
using Dinh.Platform.Messaging;
using Dinh.Registry.Contracts;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dinh.Identity.Registration;

public sealed record RegistrationRequest(string? Number, string? FullName, string? DateOfBirth, string? Phone, string? Email);

/// <summary>
/// Level-1 self-registration, password reset by a code sent to the verified phone or e-mail, and e-mail
/// verification (Decree 69/2024 Art. 10). The answer
/// never says which field failed or whether an ID number exists: every well-formed request gets a challenge and
/// the same next page; the code is sent only when everything matched (and the citizen is 14 or over, alive, and
/// without an account), so a challenge made from wrong details can never be completed.
/// </summary>
public sealed class OneTimeCodes(AccountsDbContext db, CitizenDirectory citizens, UserManager<Account> users, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public async Task<Guid> StartRegistrationAsync(RegistrationRequest request, string phone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.GetUtcNow();
        var citizen = await citizens.FindByNumberAsync(request.Number?.Trim(), cancellationToken);
        var matches = citizen is { Deceased: false }
            && citizen.PersonalIdNumber == request.Number?.Trim()
            && CitizenDirectory.SameName(request.FullName, citizen.FullName)
            && PartialDate.Parse(request.DateOfBirth, out _) is { } born && born == citizen.DateOfBirth
            && citizen.AgeOn(VietnamTime.DayOf(now)) >= 14
            && !await db.Accounts.AnyAsync(a => a.CitizenId == citizen.Id, cancellationToken);
        return await IssueAsync(CodePurpose.Registration, matches ? citizen!.Id : null, null, phone, request.Email, now, cancellationToken);
    }

    /// <summary>A reset code, sent only when the login and the account's verified phone match.</summary>
    public async Task<Guid> StartResetAsync(string? number, string phone, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var account = number is { Length: > 0 and <= 256 } ? await users.FindByNameAsync(number.Trim()) : null;
        var matches = account is { PhoneNumberConfirmed: true, Lock: AccountLock.None } && account.PhoneNumber == phone;
        return await IssueAsync(CodePurpose.PasswordReset, account?.CitizenId, matches ? account!.Id : null, phone, null, now, cancellationToken,
            send: matches);
    }

    /// <summary>A reset code by e-mail, sent only when the login and the account's verified address match.</summary>
    public async Task<Guid> StartEmailResetAsync(string? number, string email, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var account = number is { Length: > 0 and <= 256 } ? await users.FindByNameAsync(number.Trim()) : null;
        var matches = account is { EmailConfirmed: true, Lock: AccountLock.None } && string.Equals(account.Email, email, StringComparison.OrdinalIgnoreCase);
        // Sent to the address as the account holds it, not as typed.
        return await IssueAsync(CodePurpose.PasswordReset, account?.CitizenId, matches ? account!.Id : null, null, matches ? account!.Email : email, now,
            cancellationToken, send: matches);
    }

    /// <summary>A code to the account's (new) e-mail address; entering it marks the address verified.</summary>
    public Task<Guid> StartEmailVerificationAsync(Account account, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(account);
        return IssueAsync(CodePurpose.EmailVerification, null, account.Id, null, account.Email, clock.GetUtcNow(), cancellationToken, send: true);
    }

    /// <summary>The open challenge if the code is right; counts the attempt either way.</summary>
    public async Task<OneTimeCode?> CheckAsync(Guid id, string? code, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var challenge = await db.OneTimeCodes.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (challenge is null || !challenge.IsOpen(now))
        {
            return null;
        }
        challenge.Attempts++;
        var digits = new string((code ?? "").Where(char.IsAsciiDigit).ToArray());
        var right = digits.Length == 6 && CryptographicOperations.FixedTimeEquals(Hash(challenge.Id, digits), challenge.CodeHash)
            && (challenge.CitizenId is not null || challenge.AccountId is not null);
        if (right)
        {
            challenge.UsedAt = now;
        }
        await db.SaveChangesAsync(cancellationToken);
        return right ? challenge : null;
    }

    private async Task<Guid> IssueAsync(CodePurpose purpose, Guid? citizenId, Guid? accountId, string? phone, string? email, DateTimeOffset now,
        CancellationToken cancellationToken, bool? send = null)
    {
        var id = Guid.CreateVersion7(now);
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", CultureInfo.InvariantCulture);
        var willSend = send ?? citizenId is not null;
        db.OneTimeCodes.Add(new OneTimeCode
        {
            Id = id, Purpose = purpose, CodeHash = Hash(id, code), CreatedAt = now, ExpiresAt = now + Lifetime,
            CitizenId = purpose == CodePurpose.Registration && willSend ? citizenId : null,
            AccountId = purpose != CodePurpose.Registration && willSend ? accountId : null,
            Phone = phone, Email = email?.Trim() is { Length: > 0 and <= 254 } e ? e : null,
        });
        if (willSend && phone is not null)
        {
            var text = purpose == CodePurpose.Registration
                ? $"Dinh: ma xac minh dang ky tai khoan dinh danh dien tu la {code}, hieu luc 5 phut. Khong chia se ma nay. / Your e-ID registration code: {code}"
                : $"Dinh: ma dat lai mat khau la {code}, hieu luc 5 phut. Khong chia se ma nay. / Your password reset code: {code}";
            db.Send(new OutgoingMessage(MessageChannel.Sms, phone, null, text, purpose == CodePurpose.Registration ? "otp.registration" : "otp.reset"));
        }
        else if (willSend && email is not null)
        {
            var (subject, what) = purpose == CodePurpose.PasswordReset
                ? ("Dinh: mã đặt lại mật khẩu / password reset code", "đặt lại mật khẩu / reset your password")
                : ("Dinh: xác minh địa chỉ email / verify your e-mail address", "xác minh địa chỉ email này / verify this address");
            db.Send(new OutgoingMessage(MessageChannel.Email, email, subject,
                $"Mã để {what}: {code}\nHiệu lực 5 phút. Không chia sẻ mã này với ai. / Valid for 5 minutes. Do not share it.\n",
                purpose == CodePurpose.PasswordReset ? "otp.reset" : "otp.email"));
        }
        await db.SaveChangesAsync(cancellationToken);
        return id;
    }

    private static byte[] Hash(Guid id, string code) => SHA256.HashData(Encoding.UTF8.GetBytes($"{id:N}:{code}"));

    public static string? PhoneProblem(string? phone) => PhoneNumbers.Normalize(phone) is null ? "phone" : null;
}
