using EnsembleFarm.TestKit;
using Xunit;

// One PostgreSQL server for the whole assembly; each test takes a database of its own from it.
[assembly: AssemblyFixture(typeof(PostgresServerFixture))]
