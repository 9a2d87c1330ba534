using System.Globalization;
using System.Text;
using Dinh.Registry.Contracts;

namespace Dinh.Bench;

/// <summary>
/// Writes a citizen exchange file (the format of `dinh registry import`) with valid, unique rows: the same file
/// feeds the raw COPY peer and the import, so both read identical bytes.
/// </summary>
internal static class CitizenFile
{
    private static readonly string[] Surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"];
    private static readonly int[] SurnameWeights = [384, 110, 95, 71, 26, 25, 45, 20, 19, 21, 20, 14, 13, 13, 10, 5];
    private static readonly string[] MiddleMale = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành"];
    private static readonly string[] MiddleFemale = ["Thị", "Ngọc", "Thu", "Thanh", "Mai", "Kim"];
    private static readonly string[] Given = ["An", "Bình", "Hòa", "Thủy", "Hùng", "Lan", "Hương", "Dũng", "Khoa", "Hạnh", "Tuấn", "Linh", "Trang", "Nam", "Phương", "Sơn"];

    public static int Generate(int rows, string path)
    {
        var random = new Random(20261123);
        var prefixes = BirthRegistrationProvinces.ByPrefix.Keys.ToArray();
        var seen = new HashSet<string>(rows);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.WriteLine("personal_id_number,full_name,date_of_birth,sex,ethnicity_code,religion,nationality,birthplace,hometown,residence_unit_code,residence_address,residence_from,date_of_death");
        var total = SurnameWeights.Sum();
        while (seen.Count < rows)
        {
            var year = 1930 + random.Next(95);
            var sex = random.Next(2) == 0 ? Sex.Male : Sex.Female;
            var number = PersonalIdNumber.Compose(prefixes[random.Next(prefixes.Length)], sex, year, random.Next(1_000_000)).Value;
            if (!seen.Add(number))
            {
                continue;
            }
            var pick = random.Next(total);
            var surname = 0;
            while (pick >= SurnameWeights[surname])
            {
                pick -= SurnameWeights[surname++];
            }
            var middle = sex == Sex.Male ? MiddleMale[random.Next(MiddleMale.Length)] : MiddleFemale[random.Next(MiddleFemale.Length)];
            var name = $"{Surnames[surname]} {middle} {Given[random.Next(Given.Length)]}";
            var birth = random.Next(20) == 0
                ? year.ToString(CultureInfo.InvariantCulture)
                : new DateOnly(year, 1 + random.Next(12), 1 + random.Next(28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var death = year < 1950 && random.Next(3) == 0 ? new DateOnly(2010 + random.Next(15), 1 + random.Next(12), 1 + random.Next(28)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "";
            writer.Write(number);
            writer.Write(',');
            writer.Write(name);
            writer.Write(',');
            writer.Write(birth);
            writer.Write(sex == Sex.Male ? ",M,01,,VN,\"Xã Tiên Du, Bắc Ninh\",," : ",F,01,,VN,\"Phường Hải Châu, Đà Nẵng\",,");
            writer.Write(",,,");
            writer.WriteLine(death);
        }
        return rows;
    }
}
