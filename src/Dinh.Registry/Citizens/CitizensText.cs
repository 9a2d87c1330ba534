namespace Dinh.Registry.Citizens;

/// <summary>The officer pages' texts: Citizens/CitizensText.resx (English) and CitizensText.vi.resx (Vietnamese, the default).</summary>
public sealed class CitizensText;
