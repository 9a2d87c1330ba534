namespace Dinh.Services;

/// <summary>The portal pages' texts: ServicesText.resx (English) and ServicesText.vi.resx (Vietnamese, the default).</summary>
public sealed class ServicesText;
