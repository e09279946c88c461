using Microsoft.Extensions.DependencyInjection;

namespace PartnerAssistant.Conversation;

public static class TeamsServiceCollectionExtensions
{
    /// <summary>
    /// The Teams invokes beyond card actions: the search message extension, dialogs (task modules) and
    /// the sign-in invokes. Capabilities plug in with <see cref="IMessageExtensionSearch"/> and
    /// <see cref="IDialogProvider"/>.
    /// </summary>
    public static IServiceCollection AddTeamsInvokes(this IServiceCollection services)
    {
        services.AddSingleton<MessageExtensionSearcher>();
        services.AddSingleton<DialogRouter>();
        services.AddSingleton<IInvokeHandler, MessageExtensionQueryHandler>();
        services.AddSingleton<IInvokeHandler, TaskFetchHandler>();
        services.AddSingleton<IInvokeHandler, TaskSubmitHandler>();
        services.AddSingleton<IInvokeHandler, SignInVerifyStateHandler>();
        services.AddSingleton<IInvokeHandler, SignInTokenExchangeHandler>();
        return services;
    }
}
