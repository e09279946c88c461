using System.ComponentModel.DataAnnotations;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.Deals;
using PartnerAssistant.People;

namespace PartnerAssistant.PartnerProgram;

/// <summary>What a channel manager sends to invite a partner organisation.</summary>
public sealed record InviteRequest
{
    [MaxLength(200)]
    public required string Name { get; init; }
    public PartnerType? PartnerType { get; init; }
    [MaxLength(16)]
    public string Region { get; init; } = "";
    [MaxLength(64)]
    public string Country { get; init; } = "";

    /// <summary>The partner admin named in the invitation (optional).</summary>
    [MaxLength(200)]
    public string? AdminName { get; init; }

    [MaxLength(200)]
    public string? AdminEmail { get; init; }

    /// <summary>The admin's Teams id (aadObjectId) where it is known; else they are keyed by e-mail until it is.</summary>
    [MaxLength(200)]
    public string? AdminChannelUserId { get; init; }
}

public sealed record StepView(OnboardingStepKind Kind, string Title, StepOwner Owner, DateOnly DueOn, bool Done, DateOnly? DoneOn, string? Evidence, bool Overdue, bool Blocked);

public sealed record CourseView(string Code, string Title, bool Done);

public sealed record AttestationView(AttestationKind Kind, DateOnly? SignedOn, DateOnly? ValidUntil, bool Current, string? FileName);

/// <summary>A partner's onboarding as its people and its channel manager see it.</summary>
public sealed record OnboardingView(
    string OrganisationId, string OrganisationName, PartnerType? PartnerType, DateOnly InvitedOn, string InvitedBy, string? PartnerAdminId,
    IReadOnlyList<StepView> Steps, IReadOnlyList<CourseView> Courses, IReadOnlyList<AttestationView> Attestations, int CertifiedPeople,
    DateOnly? CompletedOn, DateOnly? FirstWonOn, string? FirstWonNumber, int? TimeToValueDays, int DaysSinceInvitation, int TargetDays)
{
    public int DoneCount => Steps.Count(s => s.Done);

    public StepView? Next => Steps.FirstOrDefault(s => !s.Done);
}

/// <summary>A certification as a partner or the learning system reports it.</summary>
public sealed record CertificationInput(
    [property: MaxLength(200)] string HolderName, [property: MaxLength(200)] string? HolderEmail, [property: MaxLength(200)] string Name,
    CertificationLevel Level, [property: MaxLength(64)] string CertificateId, DateOnly EarnedOn, DateOnly? ExpiresOn);

/// <summary>
/// Onboarding automation: a channel manager invites a partner organisation (it enters the directory with its
/// partner admin), the checklist of program rules section 4 is created with owners and due dates, steps are
/// done in chat or by the API (agreement, attestations with their documents, courses, certifications), the
/// first deal is picked up from the deal registry, overdue steps are reminded, and time to value (invitation
/// to first won deal) is recorded for every partner.
/// </summary>
public sealed class OnboardingService(
    IServiceScopeFactory scopes,
    DirectoryService directory,
    WonDealLedger ledger,
    ProgramNotifier notifier,
    PsatService psat,
    IOptions<OnboardingOptions> options,
    TimeProvider time,
    ILogger<OnboardingService> logger)
{
    private const long DayMs = 86_400_000;
    private static readonly int EpochDay = new DateOnly(1970, 1, 1).DayNumber;

    private OnboardingOptions Settings => options.Value;

    public static string Title(OnboardingStepKind step) => step switch
    {
        OnboardingStepKind.Agreement => "Partner agreement signed",
        OnboardingStepKind.Compliance => "Compliance screening: ESG and FCPA attestations, data-protection terms",
        OnboardingStepKind.Courses => "Enablement courses for your partner type completed",
        OnboardingStepKind.Certification => "First certification",
        _ => "First deal registered",
    };

    public static string Describe(StepOwner owner) => owner switch
    {
        StepOwner.PartnerAdmin => "partner admin",
        StepOwner.PartnerUsers => "partner users",
        _ => "the partner team",
    };

    public static string Describe(AttestationKind kind) => kind switch
    {
        AttestationKind.Esg => "ESG attestation",
        AttestationKind.Fcpa => "FCPA anti-corruption attestation",
        _ => "data-protection terms (DPA)",
    };

    /// <summary>Invites a partner organisation: directory entry, partner admin, checklist. Channel managers only.</summary>
    public async Task<OnboardingView> InviteAsync(Caller caller, InviteRequest request, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireChannelManager(caller, "invite partner organisations");
        var problems = new List<string>();
        var name = Regex.Replace(request.Name ?? "", @"\s+", " ").Trim();
        if (name.Length is < 2 or > 200)
        {
            problems.Add("The organisation needs a name (2 to 200 characters).");
        }

        if (request.PartnerType is null)
        {
            problems.Add("Say which partner type it is: reseller, systems integrator, MSP, ISV, influence, marketplace or distributor.");
        }

        if (request.AdminEmail is { Length: > 0 } email && !Regex.IsMatch(email, @"^[^@\s]+@[^@\s]+\.[^@\s]+$"))
        {
            problems.Add($"\"{email}\" is not an e-mail address.");
        }

        if (problems.Count > 0)
        {
            throw new ProgramValidationException(problems);
        }

        var organisations = await directory.ListOrganisationsAsync(cancellationToken);
        if (organisations.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.OrdinalIgnoreCase)) is { } known)
        {
            throw new ProgramRuleException($"{known.Name} is already in the partner directory; say \"onboarding of {known.Name}\" to see where it stands.");
        }

        var id = Slug(name, organisations.Select(o => o.Id).ToHashSet(StringComparer.OrdinalIgnoreCase));
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        await directory.SaveOrganisationAsync(new Organisation
        {
            Id = id, Name = name, PartnerType = request.PartnerType, Tier = Tier.Registered, Region = request.Region ?? "", Country = request.Country ?? "", JoinedAt = now,
        }, cancellationToken);

        string? adminId = null;
        if (request.AdminName is { Length: > 0 } adminName)
        {
            var people = await directory.ListPeopleAsync(null, null, cancellationToken);
            adminId = Slug(adminName, people.Select(p => p.Id).ToHashSet(StringComparer.OrdinalIgnoreCase));
            await directory.SavePersonAsync(new Person
            {
                Id = adminId,
                ChannelUserId = request.AdminChannelUserId is { Length: > 0 } channelId ? channelId : request.AdminEmail is { Length: > 0 } mail ? mail.ToLowerInvariant() : "invited:" + adminId,
                DisplayName = adminName.Trim(),
                Email = request.AdminEmail ?? "",
                OrganisationId = id,
                Role = Role.PartnerAdmin,
            }, cancellationToken);
        }

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var onboarding = new Onboarding { OrganisationId = id, InvitedBy = caller.Person.Id, InvitedAtMs = nowMs, PartnerAdminId = adminId };
            foreach (var step in Enum.GetValues<OnboardingStepKind>())
            {
                onboarding.Steps.Add(new OnboardingStep { Kind = step, Owner = OwnerOf(step), DueOn = today.AddDays(Settings.DueDays(step)) });
            }

            db.Onboardings.Add(onboarding);
            var record = await db.Partners.FindAsync([id], cancellationToken);
            if (record is null)
            {
                db.Partners.Add(new PartnerRecord { OrganisationId = id, InvitedAtMs = nowMs, UpdatedAtMs = nowMs });
            }
            else
            {
                record.InvitedAtMs = nowMs;
                record.UpdatedAtMs = nowMs;
            }

            db.Audit.Add(ProgramAudit.Entry(caller, "invite", id, "onboarding", null,
                new { name, type = request.PartnerType?.ToString(), admin = adminId, region = request.Region }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
        }

        logger.LogInformation("{Person} invited {Organisation} ({Type})", caller.Person.Id, id, request.PartnerType);
        var view = await ProgressAsync(caller, id, cancellationToken);
        if (adminId is not null)
        {
            await notifier.SendAsync([adminId], AssistantReply.Say(
                    $"Welcome to the Northbeam Partner Network, {request.AdminName!.Split(' ')[0]}! {caller.Person.DisplayName} invited {name}. " +
                    $"Your onboarding has five steps; the first is to sign the partner agreement by {ProgramText.Date(view.Steps[0].DueOn)}. " +
                    "Ask me \"what's left on our onboarding?\" at any time.")
                .WithCard(ProgramCards.Onboarding(view)), cancellationToken);
        }

        return view;
    }

    /// <summary>Where a partner's onboarding stands (after picking up certifications and the first registration).</summary>
    public async Task<OnboardingView> ProgressAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireRead(caller, organisationId);
        await SyncAsync(organisationId, cancellationToken);
        return await ViewAsync(organisationId, cancellationToken);
    }

    /// <summary>Every onboarding, most recent invitation first (channel managers and sales reps).</summary>
    public async Task<IReadOnlyList<OnboardingView>> ListAsync(Caller caller, bool openOnly, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireInternal(caller, "see every partner's onboarding");
        await SyncAsync(null, cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var ids = await db.Onboardings.AsNoTracking()
            .Where(o => !openOnly || o.CompletedAtMs == null)
            .OrderByDescending(o => o.InvitedAtMs)
            .Select(o => o.OrganisationId)
            .ToListAsync(cancellationToken);
        var views = new List<OnboardingView>();
        foreach (var id in ids)
        {
            views.Add(await ViewAsync(id, cancellationToken));
        }

        return views;
    }

    /// <summary>Step 1: the partner admin (or the channel manager) records the signed agreement, optionally with the signed file.</summary>
    public async Task<OnboardingView> SignAgreementAsync(Caller caller, string organisationId, long? documentId, CancellationToken cancellationToken)
    {
        ProgramAccess.RequirePartnerAdminOf(caller, organisationId, "record the signed partner agreement");
        var document = await DocumentAsync(organisationId, documentId, cancellationToken);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var onboarding = await LoadAsync(db, organisationId, cancellationToken);
            var step = onboarding.Steps.Single(s => s.Kind == OnboardingStepKind.Agreement);
            var record = await RecordAsync(db, organisationId, nowMs, cancellationToken);
            if (step.CompletedAtMs is null)
            {
                Complete(step, caller, document?.FileName ?? "confirmed in chat", nowMs);
                record.AgreementSignedAtMs = nowMs;
                record.UpdatedAtMs = nowMs;
                db.Audit.Add(ProgramAudit.Entry(caller, "step-done", organisationId, "agreement", null, new { document = document?.Id }, nowMs));
                await db.SaveChangesAsync(cancellationToken);
            }
        }

        return await ProgressAsync(caller, organisationId, cancellationToken);
    }

    /// <summary>Records a signed compliance item (step 2) with its document. All three current completes the step
    /// and assigns the enablement courses of the partner's type (step 3).</summary>
    public async Task<(OnboardingView View, Attestation Attestation)> RecordAttestationAsync(
        Caller caller, string organisationId, AttestationKind kind, long? documentId, DateOnly? signedOn, CancellationToken cancellationToken)
    {
        ProgramAccess.RequirePartnerAdminOf(caller, organisationId, "record compliance attestations");
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var signed = signedOn ?? today;
        if (signed > today)
        {
            throw new ProgramValidationException(["An attestation cannot be signed in the future."]);
        }

        if (documentId is null && caller.Role.IsPartner())
        {
            throw new ProgramValidationException([$"Attach the signed {Describe(kind)} (PDF or image) to the message."]);
        }

        await using (var check = scopes.CreateAsyncScope())
        {
            var db = check.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var record = await db.Partners.AsNoTracking().FirstOrDefaultAsync(p => p.OrganisationId == organisationId, cancellationToken);
            var onboarding = await db.Onboardings.AsNoTracking().Include(o => o.Steps).FirstOrDefaultAsync(o => o.OrganisationId == organisationId, cancellationToken);
            var agreementDone = record?.AgreementSignedAtMs is not null || onboarding?.Steps.Any(s => s.Kind == OnboardingStepKind.Agreement && s.CompletedAtMs != null) == true;
            if (onboarding is not null && !agreementDone)
            {
                throw new ProgramRuleException("Steps run in order: sign the partner agreement first (step 1), then send the compliance attestations.");
            }
        }

        var document = await DocumentAsync(organisationId, documentId, cancellationToken);
        var nowMs = now.ToUnixTimeMilliseconds();
        var signedMs = signed == today ? nowMs : ProgramText.ToUnixMs(signed);
        var attestation = new Attestation
        {
            OrganisationId = organisationId,
            Kind = kind,
            SignedAtMs = signedMs,
            ValidUntilMs = ProgramText.ToUnixMs(signed.AddMonths(Settings.AttestationValidityMonths)),
            RecordedBy = caller.Person.Id,
            DocumentId = document?.Id,
        };
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            db.Attestations.Add(attestation);
            db.Audit.Add(ProgramAudit.Entry(caller, "attestation", organisationId, kind.ToString(), null,
                new { signed = signed.ToString("yyyy-MM-dd"), document = document?.Id, file = document?.FileName }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
        }

        return (await ProgressAsync(caller, organisationId, cancellationToken), attestation);
    }

    /// <summary>Marks assigned courses completed (all of them when <paramref name="courseCodes"/> is empty).</summary>
    public async Task<OnboardingView> CompleteCoursesAsync(Caller caller, string organisationId, IReadOnlyList<string> courseCodes, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireMemberOf(caller, organisationId, "record completed courses");
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var assigned = await db.Courses.Where(c => c.OrganisationId == organisationId).ToListAsync(cancellationToken);
            if (assigned.Count == 0)
            {
                throw new ProgramRuleException("No courses are assigned yet: they are assigned once compliance screening has passed (step 2).");
            }

            var wanted = courseCodes.Select(c => c.Trim().ToUpperInvariant()).ToHashSet();
            var unknown = wanted.Where(code => assigned.All(a => a.CourseCode != code)).ToList();
            if (unknown.Count > 0)
            {
                throw new ProgramValidationException([$"{string.Join(", ", unknown)} {(unknown.Count == 1 ? "is" : "are")} not among the assigned courses ({string.Join(", ", assigned.Select(a => a.CourseCode))})."]);
            }

            foreach (var course in assigned.Where(a => a.CompletedAtMs is null && (wanted.Count == 0 || wanted.Contains(a.CourseCode))))
            {
                course.CompletedAtMs = nowMs;
                course.CompletedBy = caller.Person.Id;
                db.Audit.Add(ProgramAudit.Entry(caller, "course-done", organisationId, course.CourseCode, null, null, nowMs));
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        return await ProgressAsync(caller, organisationId, cancellationToken);
    }

    /// <summary>Records a certification (from the partner, the learning system or the channel team).</summary>
    public async Task<Certification> RecordCertificationAsync(Caller caller, string organisationId, CertificationInput input, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireMemberOf(caller, organisationId, "record certifications");
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(input.HolderName))
        {
            problems.Add("Whose certification is it? Give the person's name.");
        }

        if (string.IsNullOrWhiteSpace(input.Name))
        {
            problems.Add("Name the certification (for example \"Data Fabric Associate\").");
        }

        if (string.IsNullOrWhiteSpace(input.CertificateId) || input.CertificateId.Trim().Length > 64)
        {
            problems.Add("Give the certificate id (up to 64 characters) so it can be checked.");
        }

        if (input.EarnedOn > today)
        {
            problems.Add("A certification cannot be earned in the future.");
        }

        var expires = input.ExpiresOn ?? input.EarnedOn.AddYears(2);
        if (expires <= input.EarnedOn)
        {
            problems.Add("The expiry date must be after the date it was earned.");
        }

        if (problems.Count > 0)
        {
            throw new ProgramValidationException(problems);
        }

        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var certification = new Certification
        {
            OrganisationId = organisationId,
            HolderName = input.HolderName.Trim(),
            HolderKey = (input.HolderEmail is { Length: > 0 } email ? email : input.HolderName).Trim().ToLowerInvariant(),
            Name = input.Name.Trim(),
            Level = input.Level,
            CertificateId = input.CertificateId.Trim().ToUpperInvariant(),
            EarnedOn = input.EarnedOn,
            ExpiresOn = expires,
            RecordedBy = caller.Person.Id,
            RecordedAtMs = nowMs,
        };
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            if (await db.Certifications.AnyAsync(c => c.CertificateId == certification.CertificateId, cancellationToken))
            {
                throw new ProgramRuleException($"Certificate {certification.CertificateId} is already recorded.");
            }

            db.Certifications.Add(certification);
            db.Audit.Add(ProgramAudit.Entry(caller, "certification", organisationId, certification.CertificateId, null,
                new { holder = certification.HolderName, name = certification.Name, level = certification.Level.ToString() }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
        }

        await SyncAsync(organisationId, cancellationToken);
        return certification;
    }

    /// <summary>Certifications of an organisation, valid ones first.</summary>
    public async Task<IReadOnlyList<Certification>> CertificationsAsync(Caller caller, string organisationId, CancellationToken cancellationToken)
    {
        ProgramAccess.RequireRead(caller, organisationId);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        return (await db.Certifications.AsNoTracking().Where(c => c.OrganisationId == organisationId).ToListAsync(cancellationToken))
            .OrderByDescending(c => c.ExpiresOn).ThenBy(c => c.HolderName, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Picks up what other capabilities decide: compliance complete (and then assigns courses), courses done,
    /// a first valid certification, the first registration in the deal registry; marks onboarding complete
    /// (and sends the after-onboarding PSAT); records time to value for every partner.
    /// </summary>
    public async Task SyncAsync(string? organisationId, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var completed = new List<string>();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            var open = await db.Onboardings.Include(o => o.Steps)
                .Where(o => o.CompletedAtMs == null && (organisationId == null || o.OrganisationId == organisationId))
                .ToListAsync(cancellationToken);
            foreach (var onboarding in open)
            {
                var org = onboarding.OrganisationId;
                var steps = onboarding.Steps.ToDictionary(s => s.Kind);
                if (steps[OnboardingStepKind.Agreement].CompletedAtMs is not null && steps[OnboardingStepKind.Compliance].CompletedAtMs is null)
                {
                    var attestations = await db.Attestations.AsNoTracking().Where(a => a.OrganisationId == org && a.ValidUntilMs > nowMs).ToListAsync(cancellationToken);
                    if (Enum.GetValues<AttestationKind>().All(k => attestations.Any(a => a.Kind == k)))
                    {
                        Complete(steps[OnboardingStepKind.Compliance], ProgramActors.System, "ESG, FCPA and DPA signed", nowMs);
                        db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "step-done", org, "compliance", "All three compliance items are signed.", null, nowMs));
                        var organisation = await directory.FindOrganisationAsync(org, cancellationToken);
                        foreach (var course in EnablementCatalog.For(organisation?.PartnerType))
                        {
                            if (!await db.Courses.AnyAsync(c => c.OrganisationId == org && c.CourseCode == course.Code, cancellationToken))
                            {
                                db.Courses.Add(new CourseAssignment { OrganisationId = org, CourseCode = course.Code, Title = course.Title, AssignedAtMs = nowMs });
                            }
                        }

                        await db.SaveChangesAsync(cancellationToken);
                    }
                }

                if (steps[OnboardingStepKind.Compliance].CompletedAtMs is not null && steps[OnboardingStepKind.Courses].CompletedAtMs is null)
                {
                    var courses = await db.Courses.AsNoTracking().Where(c => c.OrganisationId == org).ToListAsync(cancellationToken);
                    if (courses.Count > 0 && courses.All(c => c.CompletedAtMs is not null))
                    {
                        Complete(steps[OnboardingStepKind.Courses], ProgramActors.System, $"{courses.Count} courses completed", courses.Max(c => c.CompletedAtMs!.Value));
                        db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "step-done", org, "courses", null, null, nowMs));
                    }
                }

                if (steps[OnboardingStepKind.Certification].CompletedAtMs is null)
                {
                    var first = await db.Certifications.AsNoTracking().Where(c => c.OrganisationId == org && c.ExpiresOn > today)
                        .OrderBy(c => c.RecordedAtMs).FirstOrDefaultAsync(cancellationToken);
                    if (first is not null)
                    {
                        Complete(steps[OnboardingStepKind.Certification], ProgramActors.System, $"{first.Name}, {first.HolderName} ({first.CertificateId})", first.RecordedAtMs);
                        db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "step-done", org, "certification", null, new { certificate = first.CertificateId }, nowMs));
                    }
                }

                if (steps[OnboardingStepKind.FirstDeal].CompletedAtMs is null)
                {
                    var registration = await deals.Registrations.AsNoTracking().Where(r => r.OrganisationId == org)
                        .OrderBy(r => r.SubmittedAtMs).Select(r => new { r.Number, r.SubmittedAtMs }).FirstOrDefaultAsync(cancellationToken);
                    if (registration is not null)
                    {
                        Complete(steps[OnboardingStepKind.FirstDeal], ProgramActors.System, RegistrationNumber.Format(registration.Number), registration.SubmittedAtMs);
                        db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "step-done", org, "first-deal", null, new { number = RegistrationNumber.Format(registration.Number) }, nowMs));
                    }
                }

                if (onboarding.Steps.All(s => s.CompletedAtMs is not null))
                {
                    onboarding.CompletedAtMs = nowMs;
                    db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "onboarding-complete", org, "onboarding", null, null, nowMs));
                    completed.Add(org);
                }

                await db.SaveChangesAsync(cancellationToken);
            }
        }

        foreach (var org in completed)
        {
            await psat.SendMilestoneSurveyAsync(org, SurveyKind.AfterOnboarding, cancellationToken);
        }

        await RecordTimeToValueAsync(organisationId, cancellationToken);
    }

    /// <summary>
    /// Time to value for every partner organisation: the first registration and the first won deal (closed on or after the
    /// invitation; for partners that joined before onboarding was automated, after joining). A newly recorded first win
    /// sends the after-first-win PSAT.
    /// </summary>
    public async Task RecordTimeToValueAsync(string? organisationId, CancellationToken cancellationToken)
    {
        await ledger.RefreshAsync(cancellationToken);
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        var firstWins = new List<string>();
        var partners = (await directory.ListOrganisationsAsync(cancellationToken)).Where(o => !o.IsVendor && (organisationId is null || o.Id == organisationId)).ToList();
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var deals = scope.ServiceProvider.GetRequiredService<DealsDbContext>();
            var records = await db.Partners.Where(p => organisationId == null || p.OrganisationId == organisationId).ToDictionaryAsync(p => p.OrganisationId, cancellationToken);
            foreach (var partner in partners.Where(p => !records.ContainsKey(p.Id)))
            {
                var record = new PartnerRecord { OrganisationId = partner.Id, InvitedAtMs = partner.JoinedAt.ToUnixTimeMilliseconds(), UpdatedAtMs = nowMs };
                db.Partners.Add(record);
                records[partner.Id] = record;
            }

            await db.SaveChangesAsync(cancellationToken);

            var firstRegistrations = await deals.Registrations.AsNoTracking()
                .Where(r => organisationId == null || r.OrganisationId == organisationId)
                .GroupBy(r => r.OrganisationId)
                .Select(g => new { Organisation = g.Key, At = g.Min(r => r.SubmittedAtMs) })
                .ToDictionaryAsync(x => x.Organisation, x => x.At, cancellationToken);
            var wins = await (from credit in db.DealCredits
                              join record in db.Partners on credit.PartnerId equals record.OrganisationId
                              where credit.ClosedDay >= record.InvitedAtMs / DayMs + EpochDay && (organisationId == null || credit.PartnerId == organisationId)
                              group credit by credit.PartnerId into g
                              select new { Partner = g.Key, Day = g.Min(c => c.ClosedDay) })
                .ToDictionaryAsync(x => x.Partner, x => x.Day, cancellationToken);

            foreach (var record in records.Values)
            {
                var changed = false;
                if (firstRegistrations.TryGetValue(record.OrganisationId, out var registeredAt) && record.FirstRegistrationAtMs != registeredAt)
                {
                    record.FirstRegistrationAtMs = registeredAt;
                    record.FirstRegistrationNumber = await deals.Registrations.AsNoTracking()
                        .Where(r => r.OrganisationId == record.OrganisationId && r.SubmittedAtMs == registeredAt).Select(r => (long?)r.Number).FirstOrDefaultAsync(cancellationToken);
                    changed = true;
                }

                if (wins.TryGetValue(record.OrganisationId, out var day) && record.FirstWonOn?.DayNumber != day)
                {
                    var wonOn = DateOnly.FromDayNumber(day);
                    var firstTime = record.FirstWonOn is null;
                    record.FirstWonOn = wonOn;
                    record.FirstWonNumber = await (from credit in db.DealCredits
                                                   join deal in db.WonDeals on credit.RegistrationId equals deal.RegistrationId
                                                   where credit.PartnerId == record.OrganisationId && credit.ClosedDay == day
                                                   orderby deal.Number
                                                   select (long?)deal.Number).FirstOrDefaultAsync(cancellationToken);
                    record.TimeToValueDays = Math.Max(0, day - ProgramText.ToDate(record.InvitedAtMs).DayNumber);
                    db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "time-to-value", record.OrganisationId, record.FirstWonNumber is { } n ? RegistrationNumber.Format(n) : null,
                        null, new { days = record.TimeToValueDays, wonOn = wonOn.ToString("yyyy-MM-dd") }, nowMs));
                    changed = true;
                    if (firstTime && wonOn >= DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime).AddDays(-30))
                    {
                        firstWins.Add(record.OrganisationId);
                    }
                }

                if (changed)
                {
                    record.UpdatedAtMs = nowMs;
                }
            }

            await db.SaveChangesAsync(cancellationToken);
        }

        foreach (var org in firstWins)
        {
            await psat.SendMilestoneSurveyAsync(org, SurveyKind.AfterFirstWin, cancellationToken);
        }
    }

    /// <summary>
    /// Reminds the owners of overdue steps (partner admin, partner users or the whole partner team), at most every
    /// <see cref="OnboardingOptions.ReminderRepeatDays"/> per step, and tells each inviting channel manager which of
    /// their partners' steps are overdue. Returns the number of steps reminded.
    /// </summary>
    public async Task<int> RemindOverdueAsync(CancellationToken cancellationToken)
    {
        await SyncAsync(null, cancellationToken);
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var repeatMs = Settings.ReminderRepeatDays * DayMs;
        List<(Onboarding Onboarding, List<OnboardingStep> Steps)> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            var open = await db.Onboardings.AsNoTracking().Include(o => o.Steps).Where(o => o.CompletedAtMs == null).ToListAsync(cancellationToken);
            due = open.Select(o => (o, o.Steps.Where(s => s.CompletedAtMs is null && s.DueOn < today && (s.LastReminderAtMs is null || nowMs - s.LastReminderAtMs >= repeatMs)).OrderBy(s => s.Kind).ToList()))
                .Where(x => x.Item2.Count > 0)
                .ToList();
        }

        var byManager = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        var reminded = 0;
        foreach (var (onboarding, candidates) in due)
        {
            // Claim each step before reminding: of several replicas (or passes) reaching it at once, one sends.
            var steps = new List<OnboardingStep>();
            await using (var claimScope = scopes.CreateAsyncScope())
            {
                var claimDb = claimScope.ServiceProvider.GetRequiredService<ProgramDbContext>();
                foreach (var candidate in candidates)
                {
                    var claimed = await claimDb.OnboardingSteps
                        .Where(s => s.Id == candidate.Id && s.CompletedAtMs == null && (s.LastReminderAtMs == null || nowMs - s.LastReminderAtMs >= repeatMs))
                        .ExecuteUpdateAsync(s => s.SetProperty(x => x.LastReminderAtMs, nowMs).SetProperty(x => x.Reminders, x => x.Reminders + 1), cancellationToken);
                    if (claimed == 1)
                    {
                        steps.Add(candidate);
                    }
                }
            }

            if (steps.Count == 0)
            {
                continue;
            }

            var organisation = await directory.FindOrganisationAsync(onboarding.OrganisationId, cancellationToken);
            var view = await ViewAsync(onboarding.OrganisationId, cancellationToken);
            foreach (var step in steps)
            {
                var owners = step.Owner switch
                {
                    StepOwner.PartnerAdmin => await notifier.AdminsOrEveryoneAsync(onboarding.OrganisationId, cancellationToken),
                    _ => await notifier.PeopleAsync(onboarding.OrganisationId, null, cancellationToken),
                };
                var late = today.DayNumber - step.DueOn.DayNumber;
                var reply = AssistantReply.Say(
                        $"Reminder: onboarding step {(int)step.Kind} for {organisation?.Name ?? onboarding.OrganisationId} — **{Title(step.Kind)}** — was due on {ProgramText.Date(step.DueOn)} " +
                        $"({ProgramText.Plural(late, "day", "days")} ago). {Hint(step.Kind)}")
                    .WithCard(ProgramCards.Onboarding(view))
                    .WithSuggestions("what's left on our onboarding?");
                await notifier.SendAsync(owners, reply, cancellationToken);
                reminded++;
                var line = (byManager.TryGetValue(onboarding.InvitedBy, out var existing) ? existing : byManager[onboarding.InvitedBy] = new StringBuilder());
                line.Append($"- {organisation?.Name ?? onboarding.OrganisationId}: step {(int)step.Kind} {Title(step.Kind)}, due {ProgramText.Date(step.DueOn)} ({Describe(step.Owner)})\n");
            }

            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
            db.Audit.Add(ProgramAudit.Entry(ProgramActors.System, "reminder", onboarding.OrganisationId, "onboarding", "Overdue onboarding steps.",
                new { steps = steps.Select(s => s.Kind.ToString()) }, nowMs));
            await db.SaveChangesAsync(cancellationToken);
        }

        var managers = (await directory.ListPeopleAsync(null, Role.ChannelManager, cancellationToken)).Where(p => p.Active).Select(p => p.Id).ToHashSet();
        foreach (var (manager, lines) in byManager)
        {
            // A partner invited from the command line has no manager in the directory: every channel manager hears.
            var recipients = managers.Contains(manager) ? [manager] : managers.ToList();
            await notifier.SendAsync(recipients, AssistantReply.Say($"Overdue onboarding steps of partners you invited:\n\n{lines}").WithSuggestions("show open onboardings"), cancellationToken);
        }

        if (reminded > 0)
        {
            logger.LogInformation("Reminded {Steps} overdue onboarding steps", reminded);
        }

        return reminded;
    }

    private async Task<OnboardingView> ViewAsync(string organisationId, CancellationToken cancellationToken)
    {
        var organisation = await directory.FindOrganisationAsync(organisationId, cancellationToken)
            ?? throw new ProgramNotFoundException($"There is no partner organisation \"{organisationId}\".");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var onboarding = await db.Onboardings.AsNoTracking().Include(o => o.Steps).FirstOrDefaultAsync(o => o.OrganisationId == organisationId, cancellationToken)
            ?? throw new ProgramNotFoundException($"{organisation.Name} was not onboarded through the assistant (it joined on {ProgramText.Date(DateOnly.FromDateTime(organisation.JoinedAt.UtcDateTime))}), so it has no onboarding checklist.");
        var now = time.GetUtcNow();
        var nowMs = now.ToUnixTimeMilliseconds();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var record = await db.Partners.AsNoTracking().FirstOrDefaultAsync(p => p.OrganisationId == organisationId, cancellationToken);
        var courses = await db.Courses.AsNoTracking().Where(c => c.OrganisationId == organisationId).OrderBy(c => c.CourseCode).ToListAsync(cancellationToken);
        var attestations = await db.Attestations.AsNoTracking().Where(a => a.OrganisationId == organisationId).ToListAsync(cancellationToken);
        var documentIds = attestations.Where(a => a.DocumentId is not null).Select(a => a.DocumentId!.Value).ToList();
        var files = await db.Documents.AsNoTracking().Where(d => documentIds.Contains(d.Id)).ToDictionaryAsync(d => d.Id, d => d.FileName, cancellationToken);
        var certified = await db.Certifications.AsNoTracking().Where(c => c.OrganisationId == organisationId && c.ExpiresOn > today).Select(c => c.HolderKey).Distinct().CountAsync(cancellationToken);

        var ordered = onboarding.Steps.OrderBy(s => s.Kind).ToList();
        var steps = ordered.Select(s => new StepView(s.Kind, Title(s.Kind), s.Owner, s.DueOn, s.CompletedAtMs is not null,
            s.CompletedAtMs is { } at ? ProgramText.ToDate(at) : null, s.Evidence, s.CompletedAtMs is null && s.DueOn < today,
            Blocked: s.CompletedAtMs is null && ((s.Kind == OnboardingStepKind.Compliance && ordered[0].CompletedAtMs is null)
                || (s.Kind == OnboardingStepKind.Courses && ordered[1].CompletedAtMs is null)))).ToList();
        var attestationViews = Enum.GetValues<AttestationKind>().Select(kind =>
        {
            var latest = attestations.Where(a => a.Kind == kind).MaxBy(a => a.SignedAtMs);
            return new AttestationView(kind, latest is null ? null : ProgramText.ToDate(latest.SignedAtMs), latest is null ? null : ProgramText.ToDate(latest.ValidUntilMs),
                latest is not null && latest.ValidUntilMs > nowMs, latest?.DocumentId is { } d ? files.GetValueOrDefault(d) : null);
        }).ToList();
        var invited = ProgramText.ToDate(onboarding.InvitedAtMs);
        return new OnboardingView(organisationId, organisation.Name, organisation.PartnerType, invited, onboarding.InvitedBy, onboarding.PartnerAdminId, steps,
            courses.Select(c => new CourseView(c.CourseCode, c.Title, c.CompletedAtMs is not null)).ToList(), attestationViews, certified,
            onboarding.CompletedAtMs is { } completedAt ? ProgramText.ToDate(completedAt) : null,
            record?.FirstWonOn, record?.FirstWonNumber is { } number ? RegistrationNumber.Format(number) : null, record?.TimeToValueDays,
            today.DayNumber - invited.DayNumber, Settings.TimeToValueTargetDays);
    }

    /// <summary>A stored document of the organisation (evidence must be the partner's own upload).</summary>
    private async Task<ProgramDocument?> DocumentAsync(string organisationId, long? documentId, CancellationToken cancellationToken)
    {
        if (documentId is null)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProgramDbContext>();
        var document = await db.Documents.AsNoTracking().FirstOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        return document is not null && document.OrganisationId == organisationId
            ? document
            : throw new ProgramValidationException([$"Document {documentId} is not one of this organisation's uploads."]);
    }

    private static async Task<Onboarding> LoadAsync(ProgramDbContext db, string organisationId, CancellationToken cancellationToken) =>
        await db.Onboardings.Include(o => o.Steps).FirstOrDefaultAsync(o => o.OrganisationId == organisationId, cancellationToken)
        ?? throw new ProgramNotFoundException("There is no onboarding checklist for this organisation: it was not invited through the assistant.");

    private static async Task<PartnerRecord> RecordAsync(ProgramDbContext db, string organisationId, long nowMs, CancellationToken cancellationToken)
    {
        var record = await db.Partners.FindAsync([organisationId], cancellationToken);
        if (record is null)
        {
            record = new PartnerRecord { OrganisationId = organisationId, InvitedAtMs = nowMs, UpdatedAtMs = nowMs };
            db.Partners.Add(record);
        }

        return record;
    }

    private static void Complete(OnboardingStep step, Caller by, string evidence, long atMs)
    {
        step.CompletedAtMs = atMs;
        step.CompletedBy = by.Person.Id;
        step.Evidence = evidence.Length > 400 ? evidence[..400] : evidence;
    }

    private static StepOwner OwnerOf(OnboardingStepKind step) => step switch
    {
        OnboardingStepKind.Agreement or OnboardingStepKind.Compliance => StepOwner.PartnerAdmin,
        OnboardingStepKind.Courses or OnboardingStepKind.Certification => StepOwner.PartnerUsers,
        _ => StepOwner.Partner,
    };

    private static string Hint(OnboardingStepKind step) => step switch
    {
        OnboardingStepKind.Agreement => "Once it is signed, tell me \"we signed the agreement\" (attach the signed copy if you have it).",
        OnboardingStepKind.Compliance => "Send each signed item as an attachment, e.g. \"upload our FCPA attestation\".",
        OnboardingStepKind.Courses => "The courses are on-demand in the partner portal; tell me when they are done.",
        OnboardingStepKind.Certification => "Book an associate exam in the portal; tell me the certificate id when someone passes.",
        _ => "Register your first opportunity: say \"register a deal for …\".",
    };

    /// <summary>An id from a name: lower-case words joined by dashes, unique among <paramref name="taken"/>.</summary>
    internal static string Slug(string name, IReadOnlySet<string> taken)
    {
        var slug = Regex.Replace(name.ToLowerInvariant(), @"[^a-z0-9]+", "-").Trim('-');
        slug = slug.Length == 0 ? "partner" : slug.Length > 48 ? slug[..48].TrimEnd('-') : slug;
        var candidate = slug;
        for (var i = 2; taken.Contains(candidate); i++)
        {
            candidate = $"{slug}-{i}";
        }

        return candidate;
    }
}
