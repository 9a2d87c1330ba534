using System.Diagnostics.CodeAnalysis;

namespace Dinh.Registry.Contracts;

public enum Sex
{
    Male = 0,
    Female = 1,
}

/// <summary>
/// The 12-digit personal identification number, <c>PPP G YY RRRRRR</c> (Decree 137/2015 Art. 13; DOMAIN.md §1.2):
/// birth-registration province, century-and-sex digit, two digits of the birth year, six random digits.
/// There is no check digit: only the format and its consistency with the person can be validated.
/// </summary>
public readonly record struct PersonalIdNumber
{
    private PersonalIdNumber(string value) => Value = value;

    public string Value { get; }

    public string ProvincePrefix => Value[..3];

    /// <summary>The century digit gives the century (0–1 → 1900s, 2–3 → 2000s …) and the sex (even male, odd female).</summary>
    public int BirthYear => 1900 + (100 * ((Value[3] - '0') / 2)) + int.Parse(Value.AsSpan(4, 2), System.Globalization.CultureInfo.InvariantCulture);

    public Sex Sex => (Value[3] - '0') % 2 == 0 ? Sex.Male : Sex.Female;

    public BirthRegistrationProvince Province => BirthRegistrationProvinces.ByPrefix[ProvincePrefix];

    public override string ToString() => Value;

    /// <summary>The format check: 12 ASCII digits and a known birth-registration prefix.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out PersonalIdNumber number)
    {
        number = default;
        var value = text?.Trim();
        if (value is not { Length: 12 } || !value.All(char.IsAsciiDigit) || !BirthRegistrationProvinces.ByPrefix.ContainsKey(value[..3]))
        {
            return false;
        }
        number = new PersonalIdNumber(value);
        return true;
    }

    /// <summary>What is wrong with <paramref name="text"/> for a person of this sex and birth year, or null when consistent.</summary>
    public static string? Problem(string? text, Sex sex, int birthYear)
    {
        var value = text?.Trim() ?? "";
        if (value.Length != 12 || !value.All(char.IsAsciiDigit))
        {
            return "format";
        }
        if (!BirthRegistrationProvinces.ByPrefix.ContainsKey(value[..3]))
        {
            return "province";
        }
        var number = new PersonalIdNumber(value);
        if (number.Sex != sex)
        {
            return "sex";
        }
        return number.BirthYear != birthYear ? "birth-year" : null;
    }

    /// <summary>A new number for a birth: the province prefix, the century/sex digit and year, and six random digits.</summary>
    public static PersonalIdNumber Compose(string provincePrefix, Sex sex, int birthYear, int random)
    {
        if (!BirthRegistrationProvinces.ByPrefix.ContainsKey(provincePrefix))
        {
            throw new ArgumentException($"Unknown birth-registration province '{provincePrefix}'.", nameof(provincePrefix));
        }
        if (birthYear is < 1900 or > 2399)
        {
            throw new ArgumentOutOfRangeException(nameof(birthYear), birthYear, "Personal ID numbers cover 1900–2399.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(random);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(random, 999_999);
        var century = ((birthYear - 1900) / 100 * 2) + (int)sex;
        return new PersonalIdNumber(FormattableString.Invariant($"{provincePrefix}{century}{birthYear % 100:00}{random:000000}"));
    }
}
