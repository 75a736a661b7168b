<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
<context>
    <name>About</name>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>단축키</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>명령</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>단축키</translation>
    </message>
    <message>
        <source>Zoom about the cursor</source>
        <translation>커서 위치를 중심으로 확대/축소</translation>
    </message>
    <message>
        <source>Mouse wheel</source>
        <translation>마우스 휠</translation>
    </message>
    <message>
        <source>Pan</source>
        <translation>화면 이동</translation>
    </message>
    <message>
        <source>Drag</source>
        <translation>끌기</translation>
    </message>
    <message>
        <source>Move the split divider</source>
        <translation>분할선 이동</translation>
    </message>
    <message>
        <source>Drag the blue line</source>
        <translation>파란 선 끌기</translation>
    </message>
    <message>
        <source>Validation RMSE</source>
        <translation>검증 RMSE</translation>
    </message>
    <message>
        <source>Validation PSNR (dB)</source>
        <translation>검증 PSNR(dB)</translation>
    </message>
    <message>
        <source>RMSE before cleaning</source>
        <translation>정리 전 RMSE</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>매개변수 수</translation>
    </message>
    <message>
        <source>Passes per tile, averaged</source>
        <translation>타일마다 평균한 처리 횟수</translation>
    </message>
    <message>
        <source>Training data seed</source>
        <translation>학습 데이터 시드</translation>
    </message>
    <message>
        <source>Training steps</source>
        <translation>학습 단계 수</translation>
    </message>
    <message>
        <source>Trained</source>
        <translation>학습 일시</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>내보낸 일시</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>장치</translation>
    </message>
    <message>
        <source>Cleans scanned documents (stains, creases, yellowed paper, speckle) with a small convolutional denoising autoencoder.</source>
        <translation>작은 합성곱 잡음 제거 오토인코더로 스캔한 문서의 얼룩, 구김, 누렇게 변한 종이, 반점 잡음을 깨끗하게 정리합니다.</translation>
    </message>
    <message>
        <source>The model could not be loaded:</source>
        <translation>모델을 불러올 수 없습니다:</translation>
    </message>
    <message>
        <source>The model is still loading.</source>
        <translation>모델을 아직 불러오는 중입니다.</translation>
    </message>
    <message>
        <source>About docdenoise</source>
        <translation>docdenoise 정보</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Open…</source>
        <translation>열기(&amp;O)…</translation>
    </message>
    <message>
        <source>Open scanned pages</source>
        <translation>스캔한 페이지 열기</translation>
    </message>
    <message>
        <source>Open &amp;Folder…</source>
        <translation>폴더 열기(&amp;F)…</translation>
    </message>
    <message>
        <source>Open every scan in a folder</source>
        <translation>폴더 안의 모든 스캔 파일 열기</translation>
    </message>
    <message>
        <source>&amp;Clear Recent Files</source>
        <translation>최근 파일 목록 지우기(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Export Page…</source>
        <translation>페이지 내보내기…</translation>
    </message>
    <message>
        <source>Save the cleaned page</source>
        <translation>정리된 페이지 저장</translation>
    </message>
    <message>
        <source>Export &amp;Document…</source>
        <translation>문서 내보내기(&amp;D)…</translation>
    </message>
    <message>
        <source>Save every page of this file, as one PDF or TIFF</source>
        <translation>이 파일의 모든 페이지를 PDF 또는 TIFF 파일 하나로 저장</translation>
    </message>
    <message>
        <source>Export &amp;All…</source>
        <translation>모두 내보내기(&amp;A)…</translation>
    </message>
    <message>
        <source>Save every open file to a folder</source>
        <translation>열린 모든 파일을 폴더에 저장</translation>
    </message>
    <message>
        <source>&amp;Batch Folder Cleanup…</source>
        <translation>폴더 일괄 처리(&amp;B)…</translation>
    </message>
    <message>
        <source>Clean a folder into another</source>
        <translation>폴더 안의 파일을 정리해 다른 폴더에 저장</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>설정(&amp;S)…</translation>
    </message>
    <message>
        <source>Device, tile size…</source>
        <translation>장치, 타일 크기…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>끝내기(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Clean</source>
        <translation>정리</translation>
    </message>
    <message>
        <source>Clean the selected pages</source>
        <translation>선택한 페이지 정리</translation>
    </message>
    <message>
        <source>Clean &amp;All Pages</source>
        <translation>모든 페이지 정리(&amp;A)</translation>
    </message>
    <message>
        <source>Clean every open page</source>
        <translation>열린 모든 페이지 정리</translation>
    </message>
    <message>
        <source>C&amp;ancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Stop the current work</source>
        <translation>현재 작업 중지</translation>
    </message>
    <message>
        <source>Zoom &amp;In</source>
        <translation>확대(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;Out</source>
        <translation>축소(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit Page</source>
        <translation>화면에 맞춤(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;100 %</source>
        <translation>&amp;100%</translation>
    </message>
    <message>
        <source>True size</source>
        <translation>실제 크기</translation>
    </message>
    <message>
        <source>&amp;Side by Side</source>
        <translation>나란히 보기(&amp;S)</translation>
    </message>
    <message>
        <source>Before and after side by side</source>
        <translation>정리 전후를 나란히 보기</translation>
    </message>
    <message>
        <source>S&amp;plit</source>
        <translation>분할 보기(&amp;P)</translation>
    </message>
    <message>
        <source>One page, a divider between before and after</source>
        <translation>한 페이지 위에 분할선을 두고 정리 전후 비교</translation>
    </message>
    <message>
        <source>&amp;Removed</source>
        <translation>제거된 부분(&amp;R)</translation>
    </message>
    <message>
        <source>What the model took away (red)</source>
        <translation>모델이 제거한 부분(빨간색)</translation>
    </message>
    <message>
        <source>&amp;Next View</source>
        <translation>다음 보기(&amp;N)</translation>
    </message>
    <message>
        <source>Switch views</source>
        <translation>보기 전환</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>단축키(&amp;K)</translation>
    </message>
    <message>
        <source>&amp;About docdenoise</source>
        <translation>docdenoise 정보(&amp;A)</translation>
    </message>
    <message>
        <source>About &amp;Qt</source>
        <translation>Qt 정보(&amp;Q)</translation>
    </message>
</context>
<context>
    <name>BatchDialog</name>
    <message>
        <source>Batch Folder Cleanup</source>
        <translation>폴더 일괄 처리</translation>
    </message>
    <message>
        <source>Same as input</source>
        <translation>입력과 같게</translation>
    </message>
    <message>
        <source>Skip files that are already in the output folder</source>
        <translation>출력 폴더에 이미 있는 파일은 건너뛰기</translation>
    </message>
    <message>
        <source>greyscale</source>
        <translation>회색조</translation>
    </message>
    <message>
        <source>black and white</source>
        <translation>흑백</translation>
    </message>
    <message>
        <source>Strength {0} %, {1} (from the main window)</source>
        <translation>강도 {0}%, {1} (메인 창의 설정)</translation>
    </message>
    <message>
        <source>&amp;Input folder:</source>
        <translation>입력 폴더(&amp;I):</translation>
    </message>
    <message>
        <source>O&amp;utput folder:</source>
        <translation>출력 폴더(&amp;U):</translation>
    </message>
    <message>
        <source>&amp;Format:</source>
        <translation>형식(&amp;F):</translation>
    </message>
    <message>
        <source>Text &amp;language:</source>
        <translation>텍스트 언어(&amp;L):</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>출력:</translation>
    </message>
    <message>
        <source>Searchable PDF</source>
        <translation>검색 가능한 PDF</translation>
    </message>
    <message>
        <source>The language of the text, for searchable PDFs</source>
        <translation>검색 가능한 PDF에 넣을 텍스트의 언어</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>State</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>세부 정보</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>시작(&amp;S)</translation>
    </message>
    <message>
        <source>C&amp;ancel</source>
        <translation>취소(&amp;A)</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Choose a Folder</source>
        <translation>폴더 선택</translation>
    </message>
    <message>
        <source>Choose an input folder that exists.</source>
        <translation>존재하는 입력 폴더를 선택하세요.</translation>
    </message>
    <message>
        <source>Choose an output folder.</source>
        <translation>출력 폴더를 선택하세요.</translation>
    </message>
    <message>
        <source>Listing files…</source>
        <translation>파일 목록을 만드는 중…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>대기 중</translation>
    </message>
    <message>
        <source>running</source>
        <translation>처리 중</translation>
    </message>
    <message>
        <source>done</source>
        <translation>완료</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>건너뜀</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>취소됨</translation>
    </message>
    <message>
        <source>{0} file(s) to clean</source>
        <translation>정리할 파일 {0}개</translation>
    </message>
    <message>
        <source>page {0}, tile {1} of {2}</source>
        <translation>{0}페이지, 타일 {1}/{2}</translation>
    </message>
    <message>
        <source>{0:.0f} s left</source>
        <translation>{0:.0f}초 남음</translation>
    </message>
    <message>
        <source>{done} cleaned, {skipped} skipped, {failed} failed in {seconds:.1f} s</source>
        <translation>정리 {done}개, 건너뜀 {skipped}개, 실패 {failed}개 ({seconds:.1f}초)</translation>
    </message>
    <message>
        <source>Batch cleanup failed</source>
        <translation>일괄 처리 실패</translation>
    </message>
    <message>
        <source>Cancelled; finished files are complete.</source>
        <translation>취소했습니다. 이미 처리가 끝난 파일은 온전합니다.</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Before</source>
        <translation>정리 전</translation>
    </message>
    <message>
        <source>After</source>
        <translation>정리 후</translation>
    </message>
    <message>
        <source>Removed</source>
        <translation>제거된 부분</translation>
    </message>
    <message>
        <source>Open or drop scanned pages here</source>
        <translation>스캔한 페이지를 열거나 여기에 끌어다 놓으세요</translation>
    </message>
    <message>
        <source>Cleaning…</source>
        <translation>정리하는 중…</translation>
    </message>
    <message>
        <source>Not cleaned yet: press Clean</source>
        <translation>아직 정리하지 않았습니다. [정리]를 누르세요</translation>
    </message>
</context>
<context>
    <name>DenoiseWorker</name>
    <message>
        <source>out of memory; close other pages or programs, or choose a smaller tile size</source>
        <translation>메모리가 부족합니다. 다른 페이지나 프로그램을 닫거나 더 작은 타일 크기를 선택하세요</translation>
    </message>
    <message>
        <source>unexpected error ({0}); please report it</source>
        <translation>예기치 않은 오류입니다({0}). 문제를 알려 주세요</translation>
    </message>
</context>
<context>
    <name>ExportPlanner</name>
    <message>
        <source>PNG image (*.png)</source>
        <translation>PNG 이미지 (*.png)</translation>
    </message>
    <message>
        <source>TIFF image (*.tif *.tiff)</source>
        <translation>TIFF 이미지 (*.tif *.tiff)</translation>
    </message>
    <message>
        <source>JPEG image (*.jpg *.jpeg)</source>
        <translation>JPEG 이미지 (*.jpg *.jpeg)</translation>
    </message>
    <message>
        <source>PDF document (*.pdf)</source>
        <translation>PDF 문서 (*.pdf)</translation>
    </message>
    <message>
        <source>Searchable PDF (*.pdf)</source>
        <translation>검색 가능한 PDF (*.pdf)</translation>
    </message>
    <message>
        <source>Searchable PDF</source>
        <translation>검색 가능한 PDF</translation>
    </message>
    <message>
        <source>Export Page</source>
        <translation>페이지 내보내기</translation>
    </message>
    <message>
        <source>Export Document</source>
        <translation>문서 내보내기</translation>
    </message>
    <message>
        <source>Export All to Folder</source>
        <translation>모두 폴더로 내보내기</translation>
    </message>
</context>
<context>
    <name>JobController</name>
    <message>
        <source>Cleaning failed</source>
        <translation>정리 실패</translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation>내보내기 실패</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>Cleaning {name}: page {page} of {pages}, tile {tile} of {tiles}</source>
        <translation>{name} 정리 중: 페이지 {page}/{pages}, 타일 {tile}/{tiles}</translation>
    </message>
    <message>
        <source>Recognising the text of {name} ({pages} page(s), {language})…</source>
        <translation>{name}의 텍스트 인식 중({pages}페이지, {language})…</translation>
    </message>
    <message>
        <source>Exported {0} file(s): {1}</source>
        <translation>파일 {0}개를 내보냈습니다: {1}</translation>
    </message>
    <message>
        <source>Cleaned {0} page(s)</source>
        <translation>페이지 {0}개를 정리했습니다</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Scanned pages ({0})</source>
        <translation>스캔한 페이지 ({0})</translation>
    </message>
    <message>
        <source>docdenoise</source>
        <translation>docdenoise</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>페이지</translation>
    </message>
    <message>
        <source>Open Scanned Pages</source>
        <translation>스캔한 페이지 열기</translation>
    </message>
    <message>
        <source>Open Folder</source>
        <translation>폴더 열기</translation>
    </message>
    <message>
        <source>{0} – docdenoise</source>
        <translation>{0} – docdenoise</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>취소하는 중…</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>기본</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>출력</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>최근 파일 열기(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>보기(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Clean</source>
        <translation>정리(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
</context>
<context>
    <name>OcrLanguageBox</name>
    <message>
        <source>Tesseract&apos;s language of the text; join several with +, e.g. eng+kor</source>
        <translation>텍스트의 Tesseract 언어입니다. 여러 언어는 +로 이어 씁니다(예: eng+kor)</translation>
    </message>
    <message>
        <source>“{0}” is not a Tesseract language; choose one such as eng or eng+kor</source>
        <translation>“{0}”은(는) Tesseract 언어가 아닙니다. eng나 eng+kor 같은 언어를 고르세요</translation>
    </message>
    <message>
        <source>Tesseract has no {0} language data; on Debian or Ubuntu: {1}</source>
        <translation>Tesseract에 {0} 언어 데이터가 없습니다. Debian이나 Ubuntu에서는: {1}</translation>
    </message>
</context>
<context>
    <name>OcrOptionsDialog</name>
    <message>
        <source>Searchable PDF</source>
        <translation>검색 가능한 PDF</translation>
    </message>
    <message>
        <source>Tesseract reads the text of the cleaned pages and lays it, invisible, over them: the PDF can be searched and its text copied.</source>
        <translation>Tesseract가 정리된 페이지의 텍스트를 읽어 보이지 않게 페이지 위에 얹습니다. 그래서 PDF에서 검색하고 텍스트를 복사할 수 있습니다.</translation>
    </message>
    <message>
        <source>Text &amp;language:</source>
        <translation>텍스트 언어(&amp;L):</translation>
    </message>
</context>
<context>
    <name>OutputControls</name>
    <message>
        <source>How much of the cleaned page to use: 0 % is the original, 100 % the model&apos;s</source>
        <translation>정리된 페이지를 얼마나 반영할지 정합니다. 0%는 원본, 100%는 모델 결과 그대로입니다</translation>
    </message>
    <message>
        <source>Greyscale</source>
        <translation>회색조</translation>
    </message>
    <message>
        <source>Black and white</source>
        <translation>흑백</translation>
    </message>
    <message>
        <source>Output mode for the preview and the export</source>
        <translation>미리 보기와 내보내기에 쓰는 출력 모드</translation>
    </message>
    <message>
        <source>Pixels darker than this become black, the rest white (1-255)</source>
        <translation>이 값보다 어두운 픽셀은 검은색, 나머지는 흰색이 됩니다 (1-255)</translation>
    </message>
    <message>
        <source>Threshold:</source>
        <translation>임계값:</translation>
    </message>
    <message>
        <source>&amp;Strength:</source>
        <translation>강도(&amp;S):</translation>
    </message>
    <message>
        <source>&amp;Output:</source>
        <translation>출력(&amp;O):</translation>
    </message>
    <message>
        <source>{0} %</source>
        <translation>{0}%</translation>
    </message>
</context>
<context>
    <name>PageList</name>
    <message>
        <source>{name}
page {page} of {count}</source>
        <translation>{name}
페이지 {page}/{count}</translation>
    </message>
    <message>
        <source>{0:g} dpi</source>
        <translation>{0:g} dpi</translation>
    </message>
    <message>
        <source>unknown dpi</source>
        <translation>dpi 알 수 없음</translation>
    </message>
    <message>
        <source>{0} × {1} pixels, {2}</source>
        <translation>{0} × {1} 픽셀, {2}</translation>
    </message>
</context>
<context>
    <name>PageOpener</name>
    <message>
        <source>Opening…</source>
        <translation>여는 중…</translation>
    </message>
    <message>
        <source>Opened {0} page(s)</source>
        <translation>페이지 {0}개를 열었습니다</translation>
    </message>
    <message>
        <source>Some files could not be opened</source>
        <translation>일부 파일을 열 수 없습니다</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>설정</translation>
    </message>
    <message>
        <source>Automatic (GPU if there is one)</source>
        <translation>자동 (GPU가 있으면 GPU 사용)</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>NVIDIA GPU (CUDA)</source>
        <translation>NVIDIA GPU (CUDA)</translation>
    </message>
    <message>
        <source>Apple GPU (MPS)</source>
        <translation>Apple GPU (MPS)</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>자동</translation>
    </message>
    <message>
        <source> px</source>
        <translation> px</translation>
    </message>
    <message>
        <source>Fast (bundled)</source>
        <translation>빠른 모델 (기본 제공)</translation>
    </message>
    <message>
        <source>Quality (bundled, slower)</source>
        <translation>고품질 모델 (기본 제공, 더 느림)</translation>
    </message>
    <message>
        <source>A model file</source>
        <translation>모델 파일 지정</translation>
    </message>
    <message>
        <source>A .safetensors file from docdenoise-train</source>
        <translation>docdenoise-train으로 만든 .safetensors 파일</translation>
    </message>
    <message>
        <source>&amp;Model:</source>
        <translation>모델(&amp;M):</translation>
    </message>
    <message>
        <source>Model fil&amp;e:</source>
        <translation>모델 파일(&amp;E):</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Pages are cleaned in tiles no larger than a square of this size; smaller uses less memory</source>
        <translation>페이지를 이 크기의 정사각형보다 크지 않은 타일로 나누어 정리합니다. 작을수록 메모리를 적게 씁니다</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>시스템 언어</translation>
    </message>
    <message>
        <source>A new language is used when docdenoise is next started.</source>
        <translation>바꾼 언어는 docdenoise를 다시 시작하면 적용됩니다.</translation>
    </message>
    <message>
        <source>&amp;Device:</source>
        <translation>장치(&amp;D):</translation>
    </message>
    <message>
        <source>&amp;Tile size:</source>
        <translation>타일 크기(&amp;T):</translation>
    </message>
    <message>
        <source>Default output &amp;format:</source>
        <translation>기본 출력 형식(&amp;F):</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>언어(&amp;L):</translation>
    </message>
    <message>
        <source>Choose a Model</source>
        <translation>모델 선택</translation>
    </message>
    <message>
        <source>docdenoise models (*.safetensors)</source>
        <translation>docdenoise 모델 (*.safetensors)</translation>
    </message>
</context>
<context>
    <name>StatusPanel</name>
    <message>
        <source>page %p %</source>
        <translation>페이지 %p%</translation>
    </message>
    <message>
        <source>total %p %</source>
        <translation>전체 %p%</translation>
    </message>
    <message>
        <source>Device: {0}</source>
        <translation>장치: {0}</translation>
    </message>
    <message>
        <source>The model loads in the background</source>
        <translation>모델을 백그라운드에서 불러오는 중입니다</translation>
    </message>
    <message>
        <source>Model: {0}</source>
        <translation>모델: {0}</translation>
    </message>
    <message>
        <source>CPU, 1 thread</source>
        <translation>CPU, 스레드 1개</translation>
    </message>
    <message>
        <source>CPU, {0} threads</source>
        <translation>CPU, 스레드 {0}개</translation>
    </message>
    <message>
        <source>{0:,} parameters</source>
        <translation>매개변수 {0:,}개</translation>
    </message>
    <message>
        <source>Model: not available</source>
        <translation>모델: 사용할 수 없음</translation>
    </message>
    <message>
        <source>Cannot load the model: {0}</source>
        <translation>모델을 불러올 수 없습니다: {0}</translation>
    </message>
    <message>
        <source>estimating…</source>
        <translation>남은 시간 계산 중…</translation>
    </message>
    <message>
        <source>{0} min {1:02d} s left</source>
        <translation>{0}분 {1:02d}초 남음</translation>
    </message>
    <message>
        <source>{0} s left</source>
        <translation>{0}초 남음</translation>
    </message>
    <message>
        <source>Zoom: {0:.0f} %</source>
        <translation>배율: {0:.0f}%</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <source>Clean scanned document pages: stains, creases, yellowed paper, speckle.</source>
        <translation>스캔한 문서 페이지를 정리합니다: 얼룩, 구김, 누렇게 변한 종이, 반점 잡음.</translation>
    </message>
    <message>
        <source>files or folders</source>
        <translation>파일 또는 폴더</translation>
    </message>
    <message>
        <source>fast, quality, or a .safetensors file</source>
        <translation>fast, quality 또는 .safetensors 파일</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>…and {0} more (see details)</source>
        <translation>…외 {0}개 더 (세부 정보 참고)</translation>
    </message>
    <message>
        <source>{0} already exists.
Do you want to replace it?</source>
        <translation>{0} 파일이 이미 있습니다.
바꾸시겠습니까?</translation>
    </message>
    <message>
        <source>{0} files already exist:
{1}
Do you want to replace them?</source>
        <translation>파일 {0}개가 이미 있습니다:
{1}
바꾸시겠습니까?</translation>
    </message>
    <message>
        <source>Replace existing files?</source>
        <translation>기존 파일을 바꾸시겠습니까?</translation>
    </message>
</context>
<context>
    <name>ocrchoice</name>
    <message>
        <source>This build of docdenoise has no OCR; for searchable PDFs install docdenoise with pip install &apos;docdenoise[ocr]&apos; and Tesseract ({0})</source>
        <translation>이 docdenoise 빌드에는 OCR이 없습니다. 검색 가능한 PDF를 만들려면 pip install &apos;docdenoise[ocr]&apos;로 docdenoise를 설치하고 Tesseract도 설치하세요({0})</translation>
    </message>
    <message>
        <source>Searchable PDFs need OCRmyPDF, which is not installed: pip install &apos;docdenoise[ocr]&apos; (and Tesseract: {0})</source>
        <translation>검색 가능한 PDF에는 OCRmyPDF가 필요한데 설치되어 있지 않습니다: pip install &apos;docdenoise[ocr]&apos; (Tesseract도 필요: {0})</translation>
    </message>
    <message>
        <source>Searchable PDFs need Tesseract and a language of it, which are not installed; on Debian or Ubuntu: {0}</source>
        <translation>검색 가능한 PDF에는 Tesseract와 그 언어 데이터가 필요한데 설치되어 있지 않습니다. Debian이나 Ubuntu에서는: {0}</translation>
    </message>
</context>
</TS>
