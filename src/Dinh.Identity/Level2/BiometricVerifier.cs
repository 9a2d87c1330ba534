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
}

/// <summary>
/// Development adapter, named as such in docs/identity.md: no device. A capture reference starting with "nomatch"
/// answers NoMatch and "error" DeviceError, so the refusal paths can be tried; anything else matches.
/// </summary>
internal sealed class DevelopmentBiometricVerifier : IBiometricVerifier
{
    public Task<BiometricResult> VerifyAsync(BiometricCapture capture, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(capture);
        static BiometricOutcome Outcome(string? reference) => reference switch
        {
            null or "" => BiometricOutcome.NoMatch,
            _ when reference.StartsWith("nomatch", StringComparison.OrdinalIgnoreCase) => BiometricOutcome.NoMatch,
            _ when reference.StartsWith("error", StringComparison.OrdinalIgnoreCase) => BiometricOutcome.DeviceError,
            _ => BiometricOutcome.Match,
        };
        return Task.FromResult(new BiometricResult(Outcome(capture.FaceCapture), Outcome(capture.FingerprintCapture), "development-device"));
    }
}
