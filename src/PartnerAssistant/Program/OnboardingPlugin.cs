using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;
using PartnerAssistant.Cards;
using PartnerAssistant.Conversation;
using PartnerAssistant.People;
using static PartnerAssistant.PartnerProgram.ProgramReplies;

namespace PartnerAssistant.PartnerProgram;

/// <summary>
/// Onboarding in chat: a channel manager invites a partner; its people see their checklist and do the steps (agreement,
/// attestations with their documents, courses, certifications). Thin: reads the message, calls <see cref="OnboardingService"/>,
/// which checks the caller's rights. Write actions ask for a "yes" first.
/// </summary>
public sealed partial class OnboardingPlugin(OnboardingService onboarding, ProgramDocuments documents, DirectoryService directory, TimeProvider time)
{
    private const string Plugin = "Onboarding";

    [KernelFunction("InvitePartner"), Description("For channel managers: invites a new partner organisation (name, partner type, optionally its partner admin) and creates its onboarding checklist.")]
    public Task<AssistantReply> InvitePartnerAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string name = "", string partnerType = "", string region = "", string adminName = "", string adminEmail = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        ProgramAccess.RequireChannelManager(caller, "invite partner organisations");
        if (IsConfirmed(confirmed))
        {
            var view = await onboarding.InviteAsync(caller, new InviteRequest
            {
                Name = name,
                PartnerType = ProgramLanguage.ParsePartnerType(partnerType),
                Region = region,
                AdminName = adminName.Length > 0 ? adminName : null,
                AdminEmail = adminEmail.Length > 0 ? adminEmail : null,
            }, cancellationToken);
            return AssistantReply.Say($"Invited **{view.OrganisationName}** ({view.PartnerType?.Describe()}). Its onboarding checklist is ready: " +
                    $"the agreement is due {ProgramText.Date(view.Steps[0].DueOn)} and the first deal by {ProgramText.Date(view.Steps[^1].DueOn)}. " +
                    (view.PartnerAdminId is null ? "Add its partner admin to the directory so they can be reminded." : "Its partner admin has been welcomed and will be reminded of overdue steps."))
                .WithCard(ProgramCards.Onboarding(view))
                .WithSuggestions($"onboarding status of {view.OrganisationName}", "show open onboardings");
        }

        var request = ProgramLanguage.ParseInvite(utterance);
        if (request is null)
        {
            return AssistantReply.Say("Which organisation should I invite, and as which partner type? For example \"invite Contoso IT as a reseller, admin Jane Doe jane@contoso.example\".");
        }

        if (request.PartnerType is null)
        {
            return AssistantReply.Say($"As which partner type should I invite {request.Name}: reseller, systems integrator, MSP, ISV, influence partner, marketplace partner or distributor?");
        }

        var admin = request.AdminName is null ? "" : $" with {request.AdminName}{(request.AdminEmail is null ? "" : $" ({request.AdminEmail})")} as partner admin";
        return Confirm($"I'll invite **{request.Name}** as a {request.PartnerType.Value.Describe()}{admin}{(request.Region.Length > 0 ? $" in {request.Region}" : "")}: " +
                "it enters the partner directory at Registered tier, and the five-step onboarding checklist starts today.",
            $"{Plugin}.InvitePartner",
            new() { ["name"] = request.Name, ["partnerType"] = request.PartnerType.ToString(), ["region"] = request.Region, ["adminName"] = request.AdminName ?? "", ["adminEmail"] = request.AdminEmail ?? "" },
            $"invite {request.Name} as a {request.PartnerType.Value.Describe()}",
            [new("Organisation", request.Name), new("Partner type", request.PartnerType.Value.Describe()), new("Region", request.Region), new("Partner admin", request.AdminName), new("Admin e-mail", request.AdminEmail)]);
    });

    [KernelFunction("OnboardingStatus"), Description("Shows an onboarding checklist: the caller's organisation's for partners; for the vendor's staff the partner named.")]
    public Task<AssistantReply> OnboardingStatusAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var subject = await SubjectAsync(caller, utterance, null, directory, cancellationToken);
        if (subject is null)
        {
            return await OpenOnboardingsAsync(kernel, utterance, cancellationToken);
        }

        var view = await onboarding.ProgressAsync(caller, subject.Id, cancellationToken);
        var text = new StringBuilder(view.CompletedOn is { } done
            ? $"{(caller.Role.IsPartner() ? "Your" : view.OrganisationName + "'s")} onboarding is complete (finished {ProgramText.Date(done)})."
            : $"{(caller.Role.IsPartner() ? "Your" : view.OrganisationName + "'s")} onboarding: {view.DoneCount} of {view.Steps.Count} steps done.");
        var open = view.Steps.Where(s => !s.Done).ToList();
        if (open.Count > 0)
        {
            text.Append(" Left to do:\n\n");
            foreach (var step in open)
            {
                text.Append($"- **{(int)step.Kind}. {step.Title}** ({OnboardingService.Describe(step.Owner)}), due {ProgramText.Date(step.DueOn)}")
                    .Append(step.Overdue ? " — **overdue**" : "").Append(step.Blocked ? $" — after step {(int)step.Kind - 1}" : "").Append('\n');
            }
        }

        var missing = view.Attestations.Where(a => !a.Current).Select(a => OnboardingService.Describe(a.Kind)).ToList();
        if (missing.Count > 0 && view.Steps[0].Done && !view.Steps[1].Done)
        {
            text.Append($"\nStill missing for compliance: {string.Join(", ", missing)}. Send each as an attachment.");
        }

        text.Append(view.TimeToValueDays is { } days
            ? $"\n\nTime to value: first won deal {view.FirstWonNumber} after {days} days (target {view.TargetDays})."
            : $"\n\nTime to value: no won deal yet — day {view.DaysSinceInvitation} of the {view.TargetDays}-day target.");
        var suggestions = view.Next?.Kind switch
        {
            OnboardingStepKind.Agreement => new[] { "we signed the agreement" },
            OnboardingStepKind.Compliance => ["upload our FCPA attestation"],
            OnboardingStepKind.Courses => ["we finished the enablement courses"],
            OnboardingStepKind.Certification => ["record a certification"],
            OnboardingStepKind.FirstDeal => ["register a deal"],
            _ => ["what tier are we?"],
        };
        return AssistantReply.Say(text.ToString()).WithCard(ProgramCards.Onboarding(view)).WithSuggestions(suggestions);
    });

    [KernelFunction("OpenOnboardings"), Description("For the vendor's staff: partners whose onboarding is not finished, with their next step and overdue steps.")]
    public Task<AssistantReply> OpenOnboardingsAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var open = await onboarding.ListAsync(caller, openOnly: true, cancellationToken);
        if (open.Count == 0)
        {
            return AssistantReply.Say("No partner is onboarding right now. Say \"invite … as a reseller\" to start one.");
        }

        var text = new StringBuilder($"{ProgramText.Plural(open.Count, "partner is", "partners are")} onboarding:\n\n");
        foreach (var view in open.Take(20))
        {
            var overdue = view.Steps.Count(s => s.Overdue);
            text.Append($"- **{view.OrganisationName}** ({view.PartnerType?.Describe()}), invited {ProgramText.Date(view.InvitedOn)}: {view.DoneCount}/5 done");
            if (view.Next is { } next)
            {
                text.Append($", next: {next.Title.ToLowerInvariant()} (due {ProgramText.Date(next.DueOn)})");
            }

            text.Append(overdue > 0 ? $" — **{overdue} overdue**\n" : "\n");
        }

        return AssistantReply.Say(text.ToString()).WithSuggestions($"onboarding status of {open[0].OrganisationName}");
    });

    [KernelFunction("SignAgreement"), Description("Records that the partner agreement was signed (onboarding step 1), optionally with the signed copy attached.")]
    public Task<AssistantReply> SignAgreementAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string documentId = "", string organisationId = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var subject = await SubjectAsync(caller, utterance, organisationId, directory, cancellationToken)
            ?? throw new ProgramValidationException(["Whose agreement? Name the partner, e.g. \"Contoso IT signed the agreement\"."]);
        ProgramAccess.RequirePartnerAdminOf(caller, subject.Id, "record the signed partner agreement");
        if (IsConfirmed(confirmed))
        {
            var view = await onboarding.SignAgreementAsync(caller, subject.Id, long.TryParse(documentId, out var id) ? id : null, cancellationToken);
            return AssistantReply.Say($"Step 1 done: the partner agreement of {view.OrganisationName} is recorded. Next: compliance screening — send the ESG attestation, " +
                    $"the FCPA attestation and the signed data-protection terms by {ProgramText.Date(view.Steps[1].DueOn)}.")
                .WithCard(ProgramCards.Onboarding(view)).WithSuggestions("upload our FCPA attestation", "what's left on our onboarding?");
        }

        var stored = await StoreAttachmentsAsync(kernel, documents, subject.Id, "agreement", cancellationToken);
        var file = stored.FirstOrDefault();
        return Confirm($"I'll record the partner agreement of **{subject.Name}** as signed{(file is null ? "" : $", with {file.FileName} kept as the signed copy")}.",
            $"{Plugin}.SignAgreement", new() { ["documentId"] = file?.Id.ToString(CultureInfo.InvariantCulture) ?? "", ["organisationId"] = subject.Id },
            $"record {Possessive.Of(subject.Name)} partner agreement as signed",
            [new("Partner", subject.Name), new("Step", "partner agreement signed"), new("Signed copy", file?.FileName)]);
    });

    [KernelFunction("UploadAttestation"), Description("Records a compliance attestation (ESG, FCPA anti-corruption, or data-protection terms) from the attached signed document.")]
    public Task<AssistantReply> UploadAttestationAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string kind = "", string documentId = "", string organisationId = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var subject = await SubjectAsync(caller, utterance, organisationId, directory, cancellationToken)
            ?? throw new ProgramValidationException(["Whose attestation? Name the partner."]);
        ProgramAccess.RequirePartnerAdminOf(caller, subject.Id, "record compliance attestations");
        if (IsConfirmed(confirmed) && Enum.TryParse<AttestationKind>(kind, out var confirmedKind))
        {
            var (view, attestation) = await onboarding.RecordAttestationAsync(caller, subject.Id, confirmedKind, long.TryParse(documentId, out var id) ? id : null, null, cancellationToken);
            var missing = view.Attestations.Where(a => !a.Current).Select(a => OnboardingService.Describe(a.Kind)).ToList();
            var text = $"Recorded the {OnboardingService.Describe(confirmedKind)} of {view.OrganisationName}, valid until {ProgramText.Date(attestation.ValidUntilMs)}. " +
                (missing.Count > 0
                    ? $"Still needed for compliance screening: {string.Join(", ", missing)}."
                    : $"Compliance screening has passed (step 2 done) and {view.Courses.Count} enablement courses of the {EnablementCatalog.PathName(view.PartnerType)} are assigned (step 3, due {ProgramText.Date(view.Steps[2].DueOn)}).");
            return AssistantReply.Say(text).WithCard(ProgramCards.Onboarding(view));
        }

        var files = ProgramDocuments.FilesIn(kernel.GetTurn().Attachments);
        var detected = ProgramLanguage.FindAttestation(utterance) ?? files.Select(f => ProgramLanguage.FindAttestation(f.Name)).FirstOrDefault(k => k is not null);
        if (files.Count == 0)
        {
            return AssistantReply.Say($"Attach the signed {(detected is { } k ? OnboardingService.Describe(k) : "attestation")} (PDF or image) to your message and send it again" +
                (detected is null ? ", saying which it is: ESG, FCPA or data-protection terms." : "."));
        }

        if (detected is not { } attestationKind)
        {
            return AssistantReply.Say("Which attestation is this: the ESG attestation, the FCPA anti-corruption attestation or the data-protection terms (DPA)? Send it again saying which.");
        }

        var stored = await StoreAttachmentsAsync(kernel, documents, subject.Id, "attestation:" + attestationKind, cancellationToken);
        return Confirm($"I'll record **{stored[0].FileName}** as {Possessive.Of(subject.Name)} signed {OnboardingService.Describe(attestationKind)}, signed today and valid for a year.",
            $"{Plugin}.UploadAttestation",
            new() { ["kind"] = attestationKind.ToString(), ["documentId"] = stored[0].Id.ToString(CultureInfo.InvariantCulture), ["organisationId"] = subject.Id },
            $"record {Possessive.Of(subject.Name)} {OnboardingService.Describe(attestationKind)}",
            [new("Partner", subject.Name), new("Attestation", OnboardingService.Describe(attestationKind)), new("Signed copy", stored[0].FileName), new("Valid", "a year from today")]);
    });

    [KernelFunction("CompleteCourses"), Description("Records enablement courses as completed (all assigned ones, or those named by code).")]
    public Task<AssistantReply> CompleteCoursesAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        string courses = "", string organisationId = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var subject = await SubjectAsync(caller, utterance, organisationId, directory, cancellationToken)
            ?? throw new ProgramValidationException(["Whose courses? Name the partner."]);
        ProgramAccess.RequireMemberOf(caller, subject.Id, "record completed courses");
        var codes = (IsConfirmed(confirmed) ? courses : string.Join(',', CourseCode().Matches(utterance).Select(m => m.Value.ToUpperInvariant())))
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (IsConfirmed(confirmed))
        {
            var view = await onboarding.CompleteCoursesAsync(caller, subject.Id, codes, cancellationToken);
            var left = view.Courses.Where(c => !c.Done).ToList();
            return AssistantReply.Say(left.Count == 0
                    ? $"All {view.Courses.Count} enablement courses are done — step 3 is complete. Next: the first certification (due {ProgramText.Date(view.Steps[3].DueOn)})."
                    : $"Recorded. Still to complete: {string.Join(", ", left.Select(c => $"{c.Code} {c.Title}"))}.")
                .WithCard(ProgramCards.Onboarding(view));
        }

        return Confirm(codes.Length == 0
                ? $"I'll record every assigned enablement course of {subject.Name} as completed."
                : $"I'll record {string.Join(", ", codes)} as completed for {subject.Name}.",
            $"{Plugin}.CompleteCourses", new() { ["courses"] = string.Join(',', codes), ["organisationId"] = subject.Id },
            codes.Length == 0 ? "record all assigned courses as completed" : $"record {string.Join(", ", codes)} as completed",
            [new("Partner", subject.Name), new("Courses completed", codes.Length == 0 ? "every assigned course" : string.Join(", ", codes))]);
    });

    [KernelFunction("RecordCertification"), Description("Records a person's Northbeam certification (shows a form; the form's data when submitted).")]
    public Task<AssistantReply> RecordCertificationAsync(Kernel kernel,
        [Description("The user's request in their own words")] string utterance = "",
        [Description("The submitted form as JSON")] string value = "",
        [Description("\"true\" once the user has confirmed")] string confirmed = "",
        CancellationToken cancellationToken = default) => GuardAsync(async () =>
    {
        var caller = kernel.GetCaller();
        var data = ProgramLanguage.TryParseObject(value);
        var subject = await SubjectAsync(caller, utterance, ProgramLanguage.Text(data, "organisationId"), directory, cancellationToken)
            ?? throw new ProgramValidationException(["Whose certification? Name the partner."]);
        ProgramAccess.RequireMemberOf(caller, subject.Id, "record certifications");
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (data is null || ProgramLanguage.Text(data, "holderName") is null)
        {
            var id = CertificateId().Match(utterance) is { Success: true } m ? m.Value.ToUpperInvariant() : null;
            return AssistantReply.Say("Fill in the certification and press **Record**.").WithCard(CertificationForm(subject, id, ProgramLanguage.FindLevel(utterance), today));
        }

        var input = new CertificationInput(
            ProgramLanguage.Text(data, "holderName") ?? "", ProgramLanguage.Text(data, "holderEmail"), ProgramLanguage.Text(data, "name") ?? "",
            Enum.TryParse<CertificationLevel>(ProgramLanguage.Text(data, "level"), true, out var level) ? level : CertificationLevel.Associate,
            ProgramLanguage.Text(data, "certificateId") ?? "",
            DateOnly.TryParseExact(ProgramLanguage.Text(data, "earnedOn") ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var earned) ? earned : today,
            DateOnly.TryParseExact(ProgramLanguage.Text(data, "expiresOn") ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires) ? expires : null);
        if (!IsConfirmed(confirmed))
        {
            return Confirm($"I'll record **{input.Name}** ({input.Level.ToString().ToLowerInvariant()}) for {input.HolderName} of {subject.Name}, certificate {input.CertificateId}, earned {ProgramText.Date(input.EarnedOn)}.",
                $"{Plugin}.RecordCertification", new() { ["value"] = data.ToJsonString() }, $"record {Possessive.Of(input.HolderName)} {input.Name} certification",
                [
                    new("Partner", subject.Name), new("Certified person", input.HolderName), new("E-mail", input.HolderEmail), new("Certification", input.Name),
                    new("Level", input.Level.ToString()), new("Certificate id", input.CertificateId), new("Earned on", ProgramText.Date(input.EarnedOn)),
                    new("Expires on", input.ExpiresOn is { } until ? ProgramText.Date(until) : null),
                ]);
        }

        var certification = await onboarding.RecordCertificationAsync(caller, subject.Id, input, cancellationToken);
        var all = await onboarding.CertificationsAsync(caller, subject.Id, cancellationToken);
        var valid = all.Where(c => c.ExpiresOn > today).Select(c => c.HolderKey).Distinct().Count();
        return AssistantReply.Say($"Recorded {certification.Name} for {certification.HolderName} (valid until {ProgramText.Date(certification.ExpiresOn)}). " +
            $"{subject.Name} now has {ProgramText.Plural(valid, "certified individual", "certified individuals")}.").WithSuggestions("what tier are we?");
    });

    private static JsonObject CertificationForm(Organisation subject, string? certificateId, CertificationLevel? level, DateOnly today) =>
        AdaptiveCardBuilder.Create()
            .Title($"Record a certification for {subject.Name}")
            .TextInput("holderName", "Certified person", required: true, maxLength: 200)
            .TextInput("holderEmail", "Their e-mail (keeps one person counted once)", maxLength: 200)
            .TextInput("name", "Certification", placeholder: "Data Fabric Associate", required: true, maxLength: 200)
            .ChoiceInput("level", "Level", [("Associate", "Associate"), ("Professional", "Professional")], value: (level ?? CertificationLevel.Associate).ToString(), required: true)
            .TextInput("certificateId", "Certificate id", certificateId, placeholder: "NB-123456", required: true, maxLength: 64)
            .DateInput("earnedOn", "Earned on", today, required: true)
            .Submit("Record", $"{Plugin}.RecordCertification", new JsonObject { ["organisationId"] = subject.Id }, style: "positive")
            .Build();

    [GeneratedRegex(@"\b[A-Z]{2,4}-\d{3}\b", RegexOptions.IgnoreCase)]
    private static partial Regex CourseCode();

    [GeneratedRegex(@"\bNB-?\d{4,}\b", RegexOptions.IgnoreCase)]
    private static partial Regex CertificateId();
}
