/**
 * The output pane: an xterm.js terminal with one tab for everything and one per stream (a step, a
 * troubleshooting run). Live output goes straight from the LogBook to xterm without passing
 * through React; switching tabs replays the stream's capped history.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { Terminal as XTerm } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon, type ISearchOptions } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import '@xterm/xterm/css/xterm.css';
import { ALL_STREAM } from '../lib/log-book';
import { TerminalFeed, type TerminalFeedOptions } from '../lib/terminal-feed';
import { streamLabel } from '../store';
import { useLabContext, useLabState } from './lab-context';

const SCROLLBACK_LINES = 5_000;

/**
 * How much xterm gets per animation frame. xterm parses one write in a single task: 48 KB cost
 * it 15-20 ms of CPU in bench:ui, which a busy laptop stretches past 100 ms; 32 KB (about 400
 * lines) keeps a task near 10 ms and still draws 24,000 lines a second. A flood beyond that is
 * skipped down to the scrollback before it is parsed (TerminalFeed).
 */
const FEED_OPTIONS: TerminalFeedOptions = { maxCharsPerWrite: 32 * 1024, keepLines: SCROLLBACK_LINES + 100 };

/**
 * Every match is highlighted, the current one brighter, with ticks in the scrollbar. The addon
 * wants #RRGGBB colours; these read on the terminal's dark background with its light text.
 */
const SEARCH_OPTIONS: ISearchOptions = {
  decorations: {
    matchBackground: '#5a4a12',
    matchBorder: '#8a7220',
    matchOverviewRuler: '#b8952a',
    activeMatchBackground: '#a36f00',
    activeMatchBorder: '#ffcc33',
    activeMatchColorOverviewRuler: '#ffcc33',
  },
};

/** "3 of 12" for the search box's status line, or why there is no position. */
export function searchSummary(results: { resultIndex: number; resultCount: number } | null): string {
  if (!results) return '';
  if (results.resultCount === 0) return 'No match';
  // The addon gives no position when there are more matches than it highlights.
  if (results.resultIndex < 0) return `${results.resultCount} matches`;
  return `${results.resultIndex + 1} of ${results.resultCount}`;
}

/** Links open through the host, which sends http(s) addresses to the system browser only. */
function openLink(_event: MouseEvent, uri: string): void {
  if (/^https?:\/\//i.test(uri)) window.open(uri, '_blank', 'noopener,noreferrer');
}

export function Terminal() {
  const lab = useLabContext();
  const { logs } = lab;
  const streams = useLabState((s) => s.streams);
  const snapshot = useLabState((s) => s.snapshot);
  const labels = useLabState((s) => s.streamLabels);
  const active = useLabState((s) => s.terminalStream);
  const showStream = useLabState((s) => s.showStream);
  const [query, setQuery] = useState('');
  const [searchState, setSearchState] = useState('');
  const [results, setResults] = useState<{ resultIndex: number; resultCount: number } | null>(null);
  const hostRef = useRef<HTMLDivElement>(null);
  const termRef = useRef<XTerm | null>(null);
  const searchRef = useRef<SearchAddon | null>(null);
  const feedRef = useRef<TerminalFeed | null>(null);
  const activeRef = useRef(active);

  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const term = new XTerm({
      convertEol: true,
      disableStdin: true,
      cursorBlink: false,
      cursorInactiveStyle: 'none',
      scrollback: SCROLLBACK_LINES,
      fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: 13,
      theme: { background: '#1e1f22', foreground: '#e6e6e6', cursor: '#1e1f22', selectionBackground: '#3a5a8c' },
      // The search addon highlights every match with decorations, a proposed API in xterm 6.
      allowProposedApi: true,
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    // Fires as matches change, also while output keeps arriving during a search.
    const offResults = search.onDidChangeResults((change) => setResults({ resultIndex: change.resultIndex, resultCount: change.resultCount }));
    term.loadAddon(new WebLinksAddon(openLink));
    term.open(host);
    // Nothing is typed into this terminal, so Ctrl/Cmd+C can mean "copy" as everywhere else.
    term.attachCustomKeyEventHandler((event) => {
      const copyKey = event.type === 'keydown' && (event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'c';
      if (!copyKey || !term.hasSelection()) return true;
      void navigator.clipboard.writeText(term.getSelection()).catch(() => {});
      return false;
    });
    // Output only: hide the cursor so nobody expects to type here.
    term.write('\x1b[?25l');
    termRef.current = term;
    searchRef.current = search;
    // Output reaches xterm in per-frame slices so a flood cannot freeze the window.
    const feed = new TerminalFeed((text, done) => term.write(text, done), (callback) => requestAnimationFrame(callback), FEED_OPTIONS);
    feedRef.current = feed;

    const refit = () => {
      if (host.clientWidth > 0 && host.clientHeight > 0) fit.fit();
    };
    refit();
    const observer = new ResizeObserver(refit);
    observer.observe(host);
    const offLogs = logs.subscribe((stream, text) => {
      if (stream === activeRef.current) feed.push(text);
    });
    feed.push(logs.history(activeRef.current));
    return () => {
      offResults.dispose();
      offLogs();
      feed.close();
      feedRef.current = null;
      observer.disconnect();
      term.dispose();
      termRef.current = null;
      searchRef.current = null;
    };
  }, [logs]);

  // Whoever picks the tab (a tab click, a card's "Show output", a troubleshooting run), the
  // terminal replays that stream's history and then follows it live.
  useEffect(() => {
    void lab.loadHistory(active);
  }, [active, lab]);

  useEffect(() => {
    if (activeRef.current === active) return;
    activeRef.current = active;
    const term = termRef.current;
    const feed = feedRef.current;
    if (!term || !feed) return;
    feed.clear();
    term.reset();
    term.write('\x1b[?25l');
    if (logs.wasTruncated(active)) term.write('\x1b[2m… earlier output dropped to save memory …\x1b[0m\n');
    feed.push(logs.history(active));
  }, [active, logs]);

  function show(stream: string): void {
    showStream(stream);
  }

  function find(backwards: boolean, text = query, incremental = false): void {
    const search = searchRef.current;
    if (!search) return;
    setSearchState('');
    if (!text) {
      clearSearch();
      return;
    }
    if (backwards) search.findPrevious(text, SEARCH_OPTIONS);
    else search.findNext(text, { ...SEARCH_OPTIONS, incremental });
  }

  function clearSearch(): void {
    searchRef.current?.clearDecorations();
    termRef.current?.clearSelection();
    setResults(null);
  }

  function onSearchKey(event: KeyboardEvent<HTMLInputElement>): void {
    if (event.key === 'Enter') {
      event.preventDefault();
      find(event.shiftKey);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setQuery('');
      clearSearch();
    }
  }

  async function copySelection(): Promise<void> {
    const text = termRef.current?.getSelection() ?? '';
    if (!text) {
      setSearchState('Select text in the terminal first');
      return;
    }
    try {
      await navigator.clipboard.writeText(text);
      setSearchState('Copied');
    } catch {
      setSearchState('Copy failed');
    }
  }

  // A step just started has a tab before its first line of output arrives.
  const tabs = [ALL_STREAM, ...streams, ...(active !== ALL_STREAM && !streams.includes(active) ? [active] : [])];
  function onTabKey(event: KeyboardEvent<HTMLDivElement>): void {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const focused = (document.activeElement as HTMLElement | null)?.dataset.stream;
    const index = tabs.indexOf(focused ?? active);
    const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length] ?? ALL_STREAM;
    show(next);
    document.getElementById(tabId(next))?.focus();
  }

  return (
    <section className="output" aria-label="Terminal output">
      <div className="output-bar">
        <div role="tablist" aria-label="Output streams" className="output-tabs" onKeyDown={onTabKey}>
          {tabs.map((stream) => (
            <button
              key={stream || 'all'}
              id={tabId(stream)}
              data-stream={stream}
              type="button"
              role="tab"
              aria-selected={stream === active}
              aria-controls="terminal-panel"
              tabIndex={stream === active ? 0 : -1}
              onClick={() => show(stream)}
            >
              {stream === ALL_STREAM ? 'All' : streamLabel(snapshot, stream, labels)}
              {snapshot?.steps[stream]?.status === 'running' ? (
                <span className="tab-running" aria-hidden="true">
                  {' ●'}
                </span>
              ) : null}
            </button>
          ))}
        </div>
        <form
          className="output-tools"
          role="search"
          onSubmit={(e) => {
            e.preventDefault();
            find(false);
          }}
        >
          <input
            type="search"
            aria-label="Search the output"
            aria-keyshortcuts="Enter Shift+Enter Escape"
            placeholder="Search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              // Highlights follow the typing; the current match stays put while it still matches.
              find(false, e.target.value, true);
            }}
            onKeyDown={onSearchKey}
          />
          <button type="button" onClick={() => find(true)} aria-label="Previous match" disabled={!query}>
            ↑
          </button>
          <button type="submit" aria-label="Next match" disabled={!query}>
            ↓
          </button>
          <button type="button" onClick={() => void copySelection()}>
            Copy selection
          </button>
          <span className="muted" role="status" aria-live="polite" aria-label="Search results">
            {searchState || searchSummary(query ? results : null)}
          </span>
        </form>
      </div>
      <div id="terminal-panel" role="tabpanel" aria-labelledby={tabId(active)} className="output-host" ref={hostRef} />
    </section>
  );
}

function tabId(stream: string): string {
  return `terminal-tab-${stream === ALL_STREAM ? 'all' : stream}`;
}
