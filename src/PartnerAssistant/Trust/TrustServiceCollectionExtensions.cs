using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PartnerAssistant.Conversation;
using PartnerAssistant.Deals;
using PartnerAssistant.Hosting;
using PartnerAssistant.Knowledge;
using PartnerAssistant.PartnerProgram;
using PartnerAssistant.People;

namespace PartnerAssistant.Trust;

public static class TrustServiceCollectionExtensions
{
    /// <summary>
    /// Trusted data: the personal data each capability declares (export and erasure), retention enforced by the
    /// privacy maintenance loop, the erasure register, answer provenance, the data residency report and the
    /// <c>Trust</c> plugin. Options from the <c>Privacy</c> section (<see cref="PrivacyOptions"/>). Registered after
    /// the other capabilities: its migration changes the deal and program audit triggers, which must exist first.
    /// </summary>
    public static IServiceCollection AddTrust(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PrivacyOptions>().Bind(configuration.GetSection(PrivacyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PrivacyOptions>, PrivacyOptionsValidator>();
        services.AddAssistantDbContext<TrustDbContext, SqliteTrustDbContext, PostgresTrustDbContext>(TrustDbContext.HistoryTable);

        // Each capability's personal data, in the order the export lists them.
        services.AddPersonalData<PeoplePersonalData>();
        services.AddPersonalData<ConversationPersonalData>();
        services.AddPersonalData<KnowledgePersonalData>();
        services.AddPersonalData<DealsPersonalData>();
        services.AddPersonalData<ProgramPersonalData>();
        services.AddPersonalData<TrustPersonalData>();

        services.AddSingleton<ErasureRegister>();
        services.AddSingleton<PersonalDataService>();
        services.AddSingleton<PersonalDataEraser>();
        services.AddSingleton<RetentionService>();
        services.AddHostedService<PrivacyMaintenance>();
        services.AddSingleton<ProvenanceLog>();
        services.AddSingleton<DataResidency>();
        services.AddAssistantPlugin<TrustPlugin>("Trust");
        return services;
    }

    /// <summary>Registers a capability's personal data, and its retention policy when it has one.</summary>
    public static IServiceCollection AddPersonalData<T>(this IServiceCollection services) where T : class, IPersonalDataSource
    {
        services.AddSingleton<T>();
        services.AddSingleton<IPersonalDataSource>(sp => sp.GetRequiredService<T>());
        if (typeof(IRetentionPolicy).IsAssignableFrom(typeof(T)))
        {
            services.AddSingleton(sp => (IRetentionPolicy)sp.GetRequiredService<T>());
        }

        return services;
    }
}
