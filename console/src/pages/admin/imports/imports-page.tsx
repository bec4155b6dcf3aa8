import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Col, Flex, Progress, Row, Segmented, Statistic, Table, Tag, Typography, Upload, type TableColumnsType } from 'antd';
import { CloudUploadOutlined, InboxOutlined } from '@ant-design/icons';
import { useT, type MessageKey } from '../../../i18n';
import { errorText } from '../../../errors';
import { Page } from '../../../components/page';
import { testId } from '../../../components/test-id';
import {
  CONTENT_TYPES, FORMATS, IMPORT_KINDS, IMPORT_MAX_BYTES, detectFormat, fileRows, rowResults,
  type FileRow, type ImportAnswer, type ImportFormat, type ImportKind, type RowOutcome, type RowResult,
} from './import-file';
import { uploadFile, type UploadPhase } from './upload';

/** A file picked for import: its text read once for the row keys. */
interface Picked {
  file: File;
  format: ImportFormat;
  rows: FileRow[];
}

const OUTCOME_COLOURS: Record<RowOutcome, string> = {
  created: 'green', updated: 'blue', stored: 'green', skipped: 'default', imported: 'green', rejected: 'red',
};

const formatBytes = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);

/**
 * Admin imports (DESIGN §9, §11): cells with neighbours, subscriber counts, historical tickets.
 * The admin picks a file (CSV, JSON or NDJSON as the route takes), sends it with a progress bar
 * (upload share, then the server's processing), and reads the outcome of every row: created,
 * updated or skipped, or rejected with the server's reason. The server writes the good rows and
 * never half-writes a bad one.
 */
export default function ImportsPage() {
  const t = useT();
  const [params, setParams] = useSearchParams();
  const kind = (IMPORT_KINDS as readonly string[]).includes(params.get('kind') ?? '') ? (params.get('kind') as ImportKind) : 'cells';
  const [picked, setPicked] = useState<Picked | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  const [phase, setPhase] = useState<UploadPhase | null>(null);
  const [answer, setAnswer] = useState<ImportAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [onlyRejected, setOnlyRejected] = useState(false);
  const busy = phase !== null;

  const reset = () => {
    setPicked(null);
    setPickError(null);
    setAnswer(null);
    setError(null);
    setOnlyRejected(false);
  };
  const chooseKind = (k: ImportKind) => {
    reset();
    setParams(new URLSearchParams({ kind: k }), { replace: true });
  };
  const pick = async (file: File) => {
    reset();
    if (file.size > IMPORT_MAX_BYTES) {
      setPickError(t('imports.tooLarge', { max: formatBytes(IMPORT_MAX_BYTES) }));
      return;
    }
    const text = await file.text();
    const format = detectFormat(file.name, text);
    if (!FORMATS[kind].includes(format)) {
      setPickError(t('imports.wrongFormat', { format: t(`imports.format.${format}` as MessageKey), formats: FORMATS[kind].map((f) => t(`imports.format.${f}` as MessageKey)).join(' / ') }));
      return;
    }
    setPicked({ file, format, rows: fileRows(kind, format, text) });
  };
  const start = async () => {
    if (!picked) return;
    setAnswer(null);
    setError(null);
    try {
      const a = await uploadFile<ImportAnswer>(`/api/v1/import/${kind}`, picked.file, CONTENT_TYPES[picked.format], setPhase);
      setAnswer(a);
      setOnlyRejected(a.rejected.length > 0 && a.rejected.length < picked.rows.length);
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setPhase(null);
    }
  };

  const results = useMemo(() => (answer && picked ? rowResults(kind, picked.rows, answer) : []), [answer, picked, kind]);
  const shown = onlyRejected ? results.filter((r) => r.outcome === 'rejected') : results;
  const columns: TableColumnsType<RowResult> = [
    { title: t('imports.row'), dataIndex: 'row', width: 80, render: (n: number) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{n}</span> },
    { title: t(`imports.key.${kind}` as MessageKey), dataIndex: 'key', width: 220, ellipsis: true, render: (k: string | null) => k ?? '—' },
    {
      title: t('imports.outcome'), dataIndex: 'outcome', width: 170,
      render: (o: RowOutcome, r) => (
        <Flex gap={6} align="center">
          <Tag color={OUTCOME_COLOURS[o]} style={{ marginInlineEnd: 0 }} data-testid="import-outcome">{t(`imports.outcome.${o}` as MessageKey)}</Tag>
          {r.ticketId != null && <Link to={`/tickets/${r.ticketId}`}>#{r.ticketId}</Link>}
        </Flex>
      ),
    },
    { title: t('imports.reason'), dataIndex: 'reason', render: (s?: string) => s ?? '', ellipsis: { showTitle: true } },
  ];
  const second = kind === 'tickets' ? 'skipped' : 'updated';

  return (
    <Page title={t('imports.title')} testId="page-imports">
      <Card size="small" style={{ marginBottom: 16 }}>
        <Flex vertical gap={12}>
          <Segmented<ImportKind>
            value={kind}
            onChange={chooseKind}
            disabled={busy}
            options={IMPORT_KINDS.map((k) => ({ value: k, label: <span data-testid={`import-kind-${k}`}>{t(`imports.kind.${k}` as MessageKey)}</span> }))}
          />
          <Typography.Text type="secondary" data-testid="import-help">{t(`imports.help.${kind}` as MessageKey)}</Typography.Text>
          <Upload.Dragger
            accept={FORMATS[kind].map((f) => (f === 'ndjson' ? '.ndjson,.jsonl' : `.${f}`)).join(',')}
            multiple={false}
            showUploadList={false}
            disabled={busy}
            beforeUpload={(file) => {
              void pick(file);
              return false;
            }}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon"><InboxOutlined /></p>
            <p className="ant-upload-text">{t('imports.drop')}</p>
            <p className="ant-upload-hint">{t('imports.formats', { formats: FORMATS[kind].map((f) => t(`imports.format.${f}` as MessageKey)).join(' / '), max: formatBytes(IMPORT_MAX_BYTES) })}</p>
          </Upload.Dragger>
          {pickError && <Alert type="error" showIcon title={pickError} data-testid="import-pick-error" />}
          {picked && (
            <Flex gap={12} align="center" wrap data-testid="import-picked">
              <Typography.Text strong>{picked.file.name}</Typography.Text>
              <Typography.Text type="secondary">
                {t('imports.pickedInfo', { size: formatBytes(picked.file.size), format: t(`imports.format.${picked.format}` as MessageKey), rows: picked.rows.length })}
              </Typography.Text>
              <Button type="primary" icon={<CloudUploadOutlined />} onClick={start} loading={busy} data-testid="import-start">
                {t('imports.start')}
              </Button>
            </Flex>
          )}
          {phase && (
            <div data-testid="import-progress">
              <Progress
                percent={phase.phase === 'sending' ? phase.percent : 100}
                status="active"
                format={() => (phase.phase === 'sending' ? `${phase.percent}%` : '')}
              />
              <Typography.Text type="secondary">
                {phase.phase === 'sending' ? t('imports.sending') : t('imports.processing', { rows: picked?.rows.length ?? 0 })}
              </Typography.Text>
            </div>
          )}
          {error && <Alert type="error" showIcon title={t('imports.failed', { message: error })} data-testid="import-error" role="alert" />}
        </Flex>
      </Card>
      {answer && (
        <Card
          size="small"
          title={t('imports.results', { name: picked?.file.name ?? '' })}
          extra={
            <Segmented<'all' | 'rejected'>
              size="small"
              value={onlyRejected ? 'rejected' : 'all'}
              onChange={(v) => setOnlyRejected(v === 'rejected')}
              options={[
                { value: 'all', label: <span data-testid="import-show-all">{t('imports.showAll', { n: results.length })}</span> },
                { value: 'rejected', label: <span data-testid="import-show-rejected">{t('imports.showRejected', { n: answer.rejected.length })}</span> },
              ]}
            />
          }
        >
          <Row gutter={16} style={{ marginBottom: 16 }} data-testid="import-summary">
            <Col xs={8} data-testid="import-created"><Statistic title={t('imports.outcome.created')} value={answer.created} styles={{ content: { color: '#389e0d' } }} /></Col>
            <Col xs={8} data-testid={`import-${second}`}><Statistic title={t(`imports.outcome.${second}` as MessageKey)} value={(kind === 'tickets' ? answer.skipped : answer.updated) ?? 0} /></Col>
            <Col xs={8} data-testid="import-rejected"><Statistic title={t('imports.outcome.rejected')} value={answer.rejected.length} styles={{ content: { color: answer.rejected.length ? '#cf1322' : undefined } }} /></Col>
          </Row>
          <Table<RowResult>
            rowKey="row"
            size="small"
            columns={columns}
            dataSource={shown}
            tableLayout="fixed"
            pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }}
            onRow={(r) => ({ ...testId(`import-row-${r.row}`), 'data-outcome': r.outcome } as object)}
            data-testid="import-results"
          />
        </Card>
      )}
    </Page>
  );
}
