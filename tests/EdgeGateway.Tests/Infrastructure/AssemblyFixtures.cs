[assembly: AssemblyFixture(typeof(EdgeGateway.Tests.Infrastructure.SharedGateway))]
