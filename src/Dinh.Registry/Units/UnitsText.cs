namespace Dinh.Registry.Units;

/// <summary>The unit pages' texts: Units/UnitsText.resx (English) and Units/UnitsText.vi.resx (Vietnamese, the default).</summary>
public sealed class UnitsText;
