namespace Dinh.Registry.Quality;

/// <summary>The data-quality pages' texts: Quality/QualityText.resx (English) and QualityText.vi.resx (Vietnamese, the default).</summary>
public sealed class QualityText;
