namespace Dinh.Identity.Level2;

/// <summary>What the officer's device captured: references to the captures the device keeps, never the images.</summary>
public sealed record BiometricCapture(Guid CitizenId, string Device, string? FaceCapture, string? FingerprintCapture);

public sealed record BiometricResult(BiometricOutcome Face, BiometricOutcome Fingerprint, string Device);

/// <summary>
/// The biometric matching device at a police office (face and fingerprint against the identity database). Dinh
/// records the outcome; the matching is the device's. A real deployment registers its vendor's adapter.
/// </summary>
public interface IBiometricVerifier
{
    Task<BiometricResult> VerifyAsync(BiometricCapture capture, CancellationToken cancellationToken);

    /// <summary>The outcome now of captures the device answered <see cref="BiometricOutcome.Pending"/> for.</summary>
    Task<BiometricResult> ResultAsync(BiometricCapture capture, CancellationToken cancellationToken);
}

/// <summary>
/// Development adapter, named as such in docs/identity.md: no device. A capture reference starting with "nomatch"
/// answers NoMatch and "error" DeviceError, so the refusal paths can be tried; anything else matches. "pending" answers
/// Pending at the counter, and later (<see cref="ResultAsync"/>) what the rest of the reference says: "pending-nomatch"
/// no match, "pending-wait" still pending, "pending" alone a match.
/// </summary>
internal sealed class DevelopmentBiometricVerifier : IBiometricVerifier
{
    private const string Later = "pending";

    public Task<BiometricResult> VerifyAsync(BiometricCapture capture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capture);
        static BiometricOutcome Now(string? reference) =>
            reference?.StartsWith(Later, StringComparison.OrdinalIgnoreCase) == true ? BiometricOutcome.Pending : Outcome(reference);
        return Task.FromResult(new BiometricResult(Now(capture.FaceCapture), Now(capture.FingerprintCapture), "development-device"));
    }

    public Task<BiometricResult> ResultAsync(BiometricCapture capture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capture);
        static BiometricOutcome Afterwards(string? reference) =>
            reference?.StartsWith(Later, StringComparison.OrdinalIgnoreCase) != true ? Outcome(reference)
            : reference[Later.Length..].TrimStart('-') is var rest && rest.StartsWith("wait", StringComparison.OrdinalIgnoreCase) ? BiometricOutcome.Pending
            : rest.Length == 0 ? BiometricOutcome.Match
            : Outcome(rest);
        return Task.FromResult(new BiometricResult(Afterwards(capture.FaceCapture), Afterwards(capture.FingerprintCapture), "development-device"));
    }

    private static BiometricOutcome Outcome(string? reference) => reference switch
    {
        null or "" => BiometricOutcome.NoMatch,
        _ when reference.StartsWith("nomatch", StringComparison.OrdinalIgnoreCase) => BiometricOutcome.NoMatch,
        _ when reference.StartsWith("error", StringComparison.OrdinalIgnoreCase) => BiometricOutcome.DeviceError,
        _ => BiometricOutcome.Match,
    };
}
