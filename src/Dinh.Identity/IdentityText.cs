namespace Dinh.Identity;

/// <summary>The identity pages' texts: IdentityText.resx (English) and IdentityText.vi.resx (Vietnamese, the default).</summary>
public sealed class IdentityText;
