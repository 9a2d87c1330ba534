namespace Dinh.Registry.Pages.Officer;

/// <summary>One labelled form field with its error, rendered by Officer/Citizens/_Field.cshtml.</summary>
public sealed record FieldModel(string Name, string Label, string? Value, string? Error, string Type = "text",
    IReadOnlyList<(string Value, string Text)>? Options = null);
