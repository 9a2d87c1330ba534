using System.Globalization;
using System.Text;

namespace Dinh.Registry.Contracts;

/// <summary>
/// Canonical forms of Vietnamese names for storage and matching (DOMAIN.md §9): store NFC as given; match on keys
/// that forgive decomposed input, tone-mark placement (Hòa / Hoà) and, for candidate search only, missing accents.
/// </summary>
public static class VietnameseText
{
    private const int MaxNameLength = 100;

    /// <summary>NFC, trimmed, inner whitespace collapsed, typographic apostrophe folded: what is stored and displayed.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var nfc = text.Normalize(NormalizationForm.FormC).Replace('\u2019', '\'');
        return string.Join(' ', nfc.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Why a person's or place's name is unacceptable, or null: control or invisible (zero-width, format) characters,
    /// letters from another script mixed in (a Cyrillic "о" in "Nguyễn"), digits, or a length out of range.
    /// </summary>
    public static string? NameProblem(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "required";
        }
        var clean = Clean(text);
        if (clean.Length > MaxNameLength)
        {
            return "too-long";
        }
        foreach (var rune in clean.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned
                or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate)
            {
                return "invisible-character";
            }
            if (Rune.IsLetter(rune) && !IsLatin(rune))
            {
                return "mixed-script";
            }
            if (!Rune.IsLetter(rune) && category != UnicodeCategory.NonSpacingMark && rune.Value is not (' ' or '-' or '\'' or '.'))
            {
                return "invalid-character";
            }
        }
        return null;
    }

    /// <summary>NameKeyExact: the stored form, upper-cased.</summary>
    public static string ExactKey(string text) => Clean(text).ToUpperInvariant();

    /// <summary>
    /// NameKeyTone: each syllable's tone mark moved to the end (HÒA and HOÀ both become HOAF), so the key ignores
    /// where the mark sits but not which tone it is. Vowel letters (Â, Ê, Ô, Ơ, Ư, Ă, Đ) are kept.
    /// </summary>
    public static string ToneKey(string text)
    {
        var key = new StringBuilder(text.Length + 8);
        foreach (var syllable in Clean(text).ToUpperInvariant().Split(' '))
        {
            if (key.Length > 0)
            {
                key.Append(' ');
            }
            char? tone = null;
            var letters = new StringBuilder(syllable.Length);
            foreach (var c in syllable.Normalize(NormalizationForm.FormD))
            {
                var mark = ToneLetter(c);
                if (mark is not null)
                {
                    tone = mark;
                }
                else
                {
                    letters.Append(c);
                }
            }
            key.Append(letters.ToString().Normalize(NormalizationForm.FormC));
            if (tone is not null)
            {
                key.Append(tone.Value);
            }
        }
        return key.ToString();
    }

    /// <summary>NameKeyAscii: no marks at all and Đ → D (Đ has no decomposition). For finding candidates, never for deciding.</summary>
    public static string AsciiKey(string text)
    {
        var key = new StringBuilder(text.Length);
        foreach (var c in Clean(text).Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            key.Append(c switch { 'đ' => 'd', 'Đ' => 'D', _ => c });
        }
        return key.ToString().ToUpperInvariant();
    }

    private static char? ToneLetter(char c) => c switch
    {
        '\u0300' => 'F', // huyền
        '\u0301' => 'S', // sắc
        '\u0303' => 'X', // ngã
        '\u0309' => 'R', // hỏi
        '\u0323' => 'J', // nặng
        _ => null,
    };

    private static bool IsLatin(Rune rune) =>
        rune.Value is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z')
            or (>= 0x00C0 and <= 0x024F) // Latin-1 Supplement letters, Latin Extended-A/B (Đ, Ơ, Ư, Ă …)
            or (>= 0x1E00 and <= 0x1EFF) // Latin Extended Additional (Ạ … ỹ)
        && rune.Value is not (0x00D7 or 0x00F7);
}
