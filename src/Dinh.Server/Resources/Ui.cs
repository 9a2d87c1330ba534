using Microsoft.Extensions.Localization;

// The assembly is named `dinh`; the localizer needs the namespace its resources were embedded under.
[assembly: RootNamespace("Dinh.Server")]

namespace Dinh.Server;

/// <summary>The shared UI texts: Resources/Ui.resx (English) and Resources/Ui.vi.resx (Vietnamese, the default).</summary>
public sealed class Ui;
