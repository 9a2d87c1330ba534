using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Dinh.Registry.Households;

namespace Dinh.Registry.Seeding;

/// <summary>One generated household: its record, members, residences and the citizens themselves.</summary>
internal sealed record SyntheticHousehold(Household Household, List<Citizen> Citizens, List<HouseholdMember> Members,
    List<Residence> Residences, List<CitizenIdNumber> Numbers);

/// <summary>
/// A realistic synthetic population (never real persons): households in real communes, the Vietnamese surname
/// distribution (DOMAIN.md §9.1), an age structure close to the 2019 census pyramid, spouses, parents and
/// children linked, valid and unique personal ID numbers from the household's province, a few deceased and a few
/// with temporary residence elsewhere (some of it expired: the data-quality checks need something to find).
/// </summary>
internal sealed class SyntheticPopulation(Random random, IReadOnlyList<(string Commune, string Province)> communes, DateOnly today, DateTimeOffset now,
    IReadOnlyList<(string Commune, string Province)>? focus = null)
{
    private static readonly (string Name, int Weight)[] Surnames =
    [
        ("Nguyễn", 384), ("Trần", 110), ("Lê", 95), ("Phạm", 71), ("Hoàng", 26), ("Huỳnh", 25), ("Phan", 45), ("Vũ", 20),
        ("Võ", 19), ("Đặng", 21), ("Bùi", 20), ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Đinh", 6),
        ("Trương", 5), ("Lâm", 4), ("Mai", 4), ("Trịnh", 4), ("Đoàn", 4), ("Tô", 2), ("Hà", 4), ("Tạ", 2), ("Lương", 3),
    ];

    private static readonly string[] MiddleMale = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Công", "Thành", "Xuân", "Anh", "Gia"];
    private static readonly string[] MiddleFemale = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Bảo", "Phương", "Hồng", "Khánh"];
    private static readonly string[] GivenMale = ["An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Huy", "Khoa", "Long", "Minh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Hòa", "Thủy"];
    private static readonly string[] GivenFemale = ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Mai", "My", "Ngân", "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Vy", "Yến"];

    // Household sizes (2019 census: average 3.5 persons).
    private static readonly (int Size, int Weight)[] HouseholdSizes = [(1, 12), (2, 20), (3, 21), (4, 25), (5, 12), (6, 10)];

    private readonly int _surnameTotal = Surnames.Sum(s => s.Weight);
    private readonly HashSet<string> _numbers = new(StringComparer.Ordinal);

    public SyntheticHousehold NextHousehold()
    {
        // A share of households in the focus communes: the demo officers' own wards have residents to find.
        var (commune, province) = focus is { Count: > 0 } && random.Next(100) < 40
            ? focus[random.Next(focus.Count)]
            : communes[random.Next(communes.Count)];
        var prefix = "0" + province;
        var size = Pick(HouseholdSizes);
        var household = new Household
        {
            Id = NewId(),
            HeadId = Guid.Empty,
            UnitCode = commune,
            AddressLine = $"Số {1 + random.Next(200)}, tổ {1 + random.Next(30)}",
            EstablishedOn = today.AddDays(-random.Next(365 * 30)),
        };
        var result = new SyntheticHousehold(household, [], [], [], []);

        var headSex = random.Next(100) < 70 ? Sex.Male : Sex.Female;
        var headAge = size == 1 ? 20 + random.Next(70) : 25 + random.Next(50);
        var head = AddPerson(result, prefix, headSex, headAge, "Chủ hộ", surname: null);
        household.HeadId = head.Id;

        Citizen? spouse = null;
        if (size >= 2 && random.Next(100) < 80)
        {
            spouse = AddPerson(result, prefix, Opposite(headSex), Math.Max(18, headAge + random.Next(-5, 6)),
                headSex == Sex.Male ? "Vợ" : "Chồng", surname: null);
            head.Marry(spouse.Id);
            spouse.Marry(head.Id);
        }
        var father = headSex == Sex.Male ? head : spouse;
        var mother = headSex == Sex.Female ? head : spouse;
        var familyName = (father ?? head).FullName.Split(' ')[0];

        if (size >= 5 && headAge < 55)
        {
            var parentSex = random.Next(2) == 0 ? Sex.Male : Sex.Female;
            AddPerson(result, prefix, parentSex, headAge + 22 + random.Next(12), parentSex == Sex.Male ? "Cha" : "Mẹ",
                surname: parentSex == Sex.Male ? head.FullName.Split(' ')[0] : null);
        }
        while (result.Citizens.Count < size)
        {
            var childAge = random.Next(Math.Max(1, Math.Min(headAge - 18, 35)));
            var child = AddPerson(result, prefix, random.Next(2) == 0 ? Sex.Male : Sex.Female, childAge, "Con", familyName);
            child.SetParents(father?.Id, mother?.Id);
        }

        AgeAndMove(result);
        return result;
    }

    private Citizen AddPerson(SyntheticHousehold household, string prefix, Sex sex, int age, string relation, string? surname)
    {
        var birthYear = today.Year - age;
        // Children born this year are born by today, not later in the year.
        var latest = birthYear == today.Year ? today : new DateOnly(birthYear, 12, 31);
        var dateOfBirth = random.Next(100) < 4
            ? new PartialDate(birthYear)
            : PartialDate.From(new DateOnly(birthYear, 1, 1).AddDays(random.Next(latest.DayOfYear)));
        var name = $"{surname ?? PickSurname()} {(sex == Sex.Male ? Pick(MiddleMale) : Pick(MiddleFemale))} {(sex == Sex.Male ? Pick(GivenMale) : Pick(GivenFemale))}";
        PersonalIdNumber number;
        do
        {
            number = PersonalIdNumber.Compose(prefix, sex, birthYear, random.Next(1_000_000));
        }
        while (!_numbers.Add(number.Value));

        var citizen = Citizen.Create(NewId(), number, name, dateOfBirth, sex, random.Next(100) < 86 ? "01" : Ethnicities.All[random.Next(54)].Code, now);
        citizen.SetOrigins(birthplace: null, hometown: null, religion: random.Next(100) < 14 ? "Phật giáo" : null, nationality: "VN");
        household.Citizens.Add(citizen);
        household.Numbers.Add(new CitizenIdNumber { CitizenId = citizen.Id, Number = number.Value, AssignedAt = now });
        household.Members.Add(new HouseholdMember
        {
            HouseholdId = household.Household.Id, CitizenId = citizen.Id, RelationToHead = relation,
            JoinedOn = Max(household.Household.EstablishedOn, dateOfBirth.Earliest),
        });
        household.Residences.Add(new Residence
        {
            Id = NewId(), CitizenId = citizen.Id, Kind = ResidenceKind.Permanent, HouseholdId = household.Household.Id,
            UnitCode = household.Household.UnitCode, AddressLine = household.Household.AddressLine,
            ValidFrom = Max(household.Household.EstablishedOn, dateOfBirth.Earliest),
        });
        return citizen;
    }

    /// <summary>A few elderly members have died (never the head); a few young adults live temporarily elsewhere.</summary>
    private void AgeAndMove(SyntheticHousehold household)
    {
        foreach (var citizen in household.Citizens.Where(c => c.Id != household.Household.HeadId).ToList())
        {
            var age = today.Year - citizen.BirthYear;
            if (age >= 65 && random.Next(100) < 25)
            {
                var died = Max(citizen.DateOfBirth.Earliest.AddYears(60), today.AddDays(-random.Next(3650)));
                foreach (var other in household.Citizens.Where(c => c.SpouseId == citizen.Id))
                {
                    other.Divorce();
                }
                citizen.RecordDeath(died);
                household.Residences.Single(r => r.CitizenId == citizen.Id).EndedOn = died;
                household.Residences.Single(r => r.CitizenId == citizen.Id).EndReason = "death";
                household.Members.Single(m => m.CitizenId == citizen.Id).LeftOn = died;
            }
            else if (age is >= 18 and <= 40 && random.Next(100) < 15)
            {
                var from = today.AddDays(-random.Next(900));
                household.Residences.Add(new Residence
                {
                    Id = NewId(), CitizenId = citizen.Id, Kind = ResidenceKind.Temporary,
                    UnitCode = communes[random.Next(communes.Count)].Commune,
                    AddressLine = $"Phòng {100 + random.Next(400)}, nhà trọ số {1 + random.Next(90)}",
                    ValidFrom = from,
                    ValidUntil = from.AddDays(180 + random.Next(550)),
                });
            }
        }
    }

    private Guid NewId() => Guid.CreateVersion7(now.AddTicks(random.Next()));

    private string PickSurname()
    {
        var pick = random.Next(_surnameTotal);
        foreach (var (name, weight) in Surnames)
        {
            if (pick < weight)
            {
                return name;
            }
            pick -= weight;
        }
        return Surnames[0].Name;
    }

    private int Pick((int Value, int Weight)[] table)
    {
        var pick = random.Next(table.Sum(t => t.Weight));
        foreach (var (value, weight) in table)
        {
            if (pick < weight)
            {
                return value;
            }
            pick -= weight;
        }
        return table[0].Value;
    }

    private string Pick(string[] values) => values[random.Next(values.Length)];

    private static Sex Opposite(Sex sex) => sex == Sex.Male ? Sex.Female : Sex.Male;

    private static DateOnly Max(DateOnly a, DateOnly b) => a > b ? a : b;
}
