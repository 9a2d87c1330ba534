namespace Dinh.Exchange;

/// <summary>The exchange pages' texts: ExchangeText.resx (English) and ExchangeText.vi.resx (Vietnamese, the default).</summary>
public sealed class ExchangeText;
