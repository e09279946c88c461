using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.Hosting;

namespace PartnerAssistant.PartnerProgram;

public static class ProgramServiceCollectionExtensions
{
    /// <summary>Partner program operations: onboarding, tiers, MDF, PSAT and program metrics, their database, the scheduled
    /// work and the <c>Onboarding</c>, <c>Tiers</c>, <c>Mdf</c>, <c>Psat</c> and <c>ProgramMetrics</c> plugins. Options from the
    /// <c>Program</c> section (<see cref="ProgramOptions"/>, <see cref="OnboardingOptions"/>, <see cref="TierOptions"/>,
    /// <see cref="MdfOptions"/>, <see cref="PsatOptions"/>). Needs the deals capability (won deals, attribution, investment).</summary>
    public static IServiceCollection AddProgram(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProgramOptions>().Bind(configuration.GetSection(ProgramOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<OnboardingOptions>().Bind(configuration.GetSection(OnboardingOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.AgreementDueDays <= o.ComplianceDueDays && o.ComplianceDueDays <= o.CoursesDueDays && o.CoursesDueDays <= o.CertificationDueDays && o.CertificationDueDays <= o.FirstDealDueDays,
                "Program:Onboarding due days must follow the steps' order: agreement ≤ compliance ≤ courses ≤ certification ≤ first deal.")
            .ValidateOnStart();
        services.AddOptions<TierOptions>().Bind(configuration.GetSection(TierOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TierOptions>, TierOptionsValidator>());
        services.AddOptions<MdfOptions>().Bind(configuration.GetSection(MdfOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.EffectiveActivityTypes.All(t => !string.IsNullOrWhiteSpace(t) && t.Length <= 32), "Program:Mdf:ActivityTypes must be non-empty names of at most 32 characters.")
            .ValidateOnStart();
        services.AddOptions<PsatOptions>().Bind(configuration.GetSection(PsatOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.AddAssistantDbContext<ProgramDbContext, SqliteProgramDbContext, PostgresProgramDbContext>(ProgramDbContext.HistoryTable);
        services.AddHttpClient(ProgramDocuments.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton<ProgramDocuments>();
        services.AddSingleton<ProgramNotifier>();
        services.AddSingleton<WonDealLedger>();
        services.AddSingleton<CustomerLifetimeBook>();
        services.AddSingleton<PsatService>();
        services.AddSingleton<OnboardingService>();
        services.AddSingleton<TierService>();
        services.AddSingleton<MdfService>();
        services.AddSingleton<ProgramMetricsService>();
        services.AddSingleton<ProgramMaintenance>();
        services.AddSingleton<IAssistantPreparation, ProgramPreparation>();
        services.AddHostedService<ProgramScheduler>();
        services.AddAssistantPlugin<OnboardingPlugin>("Onboarding");
        services.AddAssistantPlugin<TiersPlugin>("Tiers");
        services.AddAssistantPlugin<MdfPlugin>("Mdf");
        services.AddSingleton<Conversation.Routing.IMentionResolver, MdfMentions>();
        services.AddAssistantPlugin<PsatPlugin>("Psat");
        services.AddAssistantPlugin<ProgramMetricsPlugin>("ProgramMetrics");
        return services;
    }
}
