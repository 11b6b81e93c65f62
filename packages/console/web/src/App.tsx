/** The page's routes. */
import { Route, Switch } from 'wouter';
import { Layout } from './components/Layout.js';
import { Empty, PageHeader } from './components/ui.js';
import { GroupPage } from './pages/GroupPage.js';
import { GroupsPage } from './pages/GroupsPage.js';
import { OverviewPage } from './pages/OverviewPage.js';
import { SchemasPage } from './pages/SchemasPage.js';
import { SubjectPage } from './pages/SubjectPage.js';
import { TopicPage } from './pages/TopicPage.js';
import { TopicsPage } from './pages/TopicsPage.js';

export function App() {
  return (
    <Layout>
      <Switch>
        <Route path="/" component={OverviewPage} />
        <Route path="/topics" component={TopicsPage} />
        <Route path="/topics/:name/:tab?">
          {(params) => <TopicPage name={decodeURIComponent(params.name)} tab={params.tab} />}
        </Route>
        <Route path="/groups" component={GroupsPage} />
        <Route path="/groups/:id">{(params) => <GroupPage groupId={decodeURIComponent(params.id)} />}</Route>
        <Route path="/schemas" component={SchemasPage} />
        <Route path="/schemas/:subject">
          {(params) => <SubjectPage subject={decodeURIComponent(params.subject)} />}
        </Route>
        <Route>
          <PageHeader title="Not found" />
          <Empty>There is no such page.</Empty>
        </Route>
      </Switch>
    </Layout>
  );
}
