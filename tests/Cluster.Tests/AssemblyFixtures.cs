using EnsembleFarm.TestKit;

// One PostgreSQL server for the whole assembly; each test takes a database of its own from it.
[assembly: AssemblyFixture(typeof(PostgresServerFixture))]

// Real silos detect each other's deaths within a second or two: tests of this assembly run one at a time, so that a
// test's farm is not starved of CPU by another's (on 2 cores that could look like a death).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
