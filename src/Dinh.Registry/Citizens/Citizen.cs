using Dinh.Registry.Contracts;

namespace Dinh.Registry.Citizens;

public enum CitizenStatus
{
    Living = 1,
    Deceased = 2,
}

/// <summary>
/// A person in the national population database. The personal ID number is an attribute with a history, never the
/// key: it can be cancelled and re-assigned (Circular 59/2021 Art. 6). Every change goes through a method here and
/// is recorded by the caller as a <see cref="CitizenChange"/> with its legal basis; <see cref="Version"/> makes a
/// stale update fail instead of overwriting.
/// </summary>
public sealed class Citizen
{
    private Citizen()
    {
    }

    public Guid Id { get; private set; }
    public string PersonalIdNumber { get; private set; } = "";

    /// <summary>"Họ, chữ đệm và tên", stored NFC as given.</summary>
    public string FullName { get; private set; } = "";
    public string NameKeyTone { get; private set; } = "";
    public string NameKeyAscii { get; private set; } = "";

    public int BirthYear { get; private set; }
    public int? BirthMonth { get; private set; }
    public int? BirthDay { get; private set; }
    public Sex Sex { get; private set; }

    /// <summary>The 3-digit prefix of the province where the birth was registered (not the birthplace).</summary>
    public string BirthRegistrationProvince { get; private set; } = "";
    public string? Birthplace { get; private set; }
    public string? Hometown { get; private set; }
    public string EthnicityCode { get; private set; } = "01";
    public string? Religion { get; private set; }
    public string Nationality { get; private set; } = "VN";

    public Guid? FatherId { get; private set; }
    public Guid? MotherId { get; private set; }
    public Guid? SpouseId { get; private set; }

    public CitizenStatus Status { get; private set; } = CitizenStatus.Living;
    public DateOnly? DateOfDeath { get; private set; }

    /// <summary>Set when a data steward merged this record into another (a duplicate): the survivor holds the person now.</summary>
    public Guid? MergedIntoId { get; private set; }

    public string? IdCardNumber { get; private set; }
    public DateOnly? IdCardIssuedOn { get; private set; }
    public DateOnly? IdCardExpiresOn { get; private set; }

    public int Version { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }

    public PartialDate DateOfBirth => new(BirthYear, BirthMonth, BirthDay);

    public static Citizen Create(Guid id, PersonalIdNumber number, string fullName, PartialDate dateOfBirth, Sex sex,
        string ethnicityCode, DateTimeOffset now)
    {
        var citizen = new Citizen
        {
            Id = id,
            PersonalIdNumber = number.Value,
            BirthRegistrationProvince = number.ProvincePrefix,
            Sex = sex,
            EthnicityCode = ethnicityCode,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        citizen.SetName(fullName);
        citizen.SetDateOfBirth(dateOfBirth);
        return citizen;
    }

    public void SetName(string fullName)
    {
        FullName = VietnameseText.Clean(fullName);
        NameKeyTone = VietnameseText.ToneKey(FullName);
        NameKeyAscii = VietnameseText.AsciiKey(FullName);
    }

    public void SetDateOfBirth(PartialDate date) => (BirthYear, BirthMonth, BirthDay) = (date.Year, date.Month, date.Day);

    public void SetOrigins(string? birthplace, string? hometown, string? religion, string nationality) =>
        (Birthplace, Hometown, Religion, Nationality) =
            (birthplace is null ? null : VietnameseText.Clean(birthplace), hometown is null ? null : VietnameseText.Clean(hometown),
             religion is null ? null : VietnameseText.Clean(religion), nationality);

    public void SetParents(Guid? fatherId, Guid? motherId) => (FatherId, MotherId) = (fatherId, motherId);

    public void SetIdCard(string? number, DateOnly? issuedOn, DateOnly? expiresOn) =>
        (IdCardNumber, IdCardIssuedOn, IdCardExpiresOn) = (number, issuedOn, expiresOn);

    public void SetSex(Sex sex) => Sex = sex;

    public void SetEthnicity(string code) => EthnicityCode = code;

    /// <summary>A death ends the person's civil life; it cannot be recorded twice or before birth.</summary>
    public void RecordDeath(DateOnly date)
    {
        if (Status == CitizenStatus.Deceased)
        {
            throw new InvalidOperationException("The citizen is already recorded as deceased.");
        }
        if (date < DateOfBirth.Earliest)
        {
            throw new InvalidOperationException("A death cannot precede the birth.");
        }
        Status = CitizenStatus.Deceased;
        DateOfDeath = date;
        SpouseId = null;
    }

    /// <summary>A death registered in error is cancelled: the person is living again. What the death ended (residence,
    /// household membership, marriage) is not restored here: each is re-registered under its own law.</summary>
    public void CancelDeath()
    {
        if (Status != CitizenStatus.Deceased)
        {
            throw new InvalidOperationException("The citizen is not recorded as deceased.");
        }
        Status = CitizenStatus.Living;
        DateOfDeath = null;
    }

    public void Marry(Guid spouseId)
    {
        if (Status != CitizenStatus.Living || SpouseId is not null)
        {
            throw new InvalidOperationException("Only a living, unmarried citizen can marry.");
        }
        SpouseId = spouseId;
    }

    public void Divorce()
    {
        if (SpouseId is null)
        {
            throw new InvalidOperationException("The citizen is not married.");
        }
        SpouseId = null;
    }

    /// <summary>Cancels the current number and gives a new one (after a correction of sex, birth year or province).</summary>
    public void ReassignIdNumber(PersonalIdNumber number)
    {
        PersonalIdNumber = number.Value;
        BirthRegistrationProvince = number.ProvincePrefix;
    }

    /// <summary>A duplicate record gives way to the survivor a data steward chose; it is kept, never deleted.</summary>
    public void MergeInto(Guid survivorId)
    {
        if (MergedIntoId is not null || survivorId == Id)
        {
            throw new InvalidOperationException("The record is already merged, or would merge into itself.");
        }
        MergedIntoId = survivorId;
    }

    /// <summary>Marks one more committed change: the version the next update must present.</summary>
    public void Touch(DateTimeOffset now)
    {
        Version++;
        UpdatedAt = now;
    }
}

/// <summary>Every personal ID number a citizen has held; an old number resolves to the current record.</summary>
public sealed class CitizenIdNumber
{
    public long Id { get; private set; }
    /// <summary>Settable for one reason: a merge moves the duplicate's numbers to the survivor, as cancelled aliases.</summary>
    public Guid CitizenId { get; set; }
    public required string Number { get; init; }
    public DateTimeOffset AssignedAt { get; init; }
    public DateTimeOffset? CancelledAt { get; set; }
    public string? CancellationReason { get; set; }
}

/// <summary>One version of a citizen record: who changed it, when, under which procedure, and the fields before and after.</summary>
public sealed class CitizenChange
{
    public long Id { get; private set; }
    public Guid CitizenId { get; init; }
    public int Version { get; init; }
    public DateTimeOffset At { get; init; }
    public required string Actor { get; init; }
    public required string Action { get; init; }
    public required string LegalBasis { get; init; }
    public string? Before { get; init; }
    public required string After { get; init; }
}
